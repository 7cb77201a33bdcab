package dev.javoy.proxy.accesslog;

import dev.javoy.proxy.accesslog.filter.AccessLogFilters;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.AccessLoggerFactory;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Builds the {@code access_log} lists of listeners, connection managers, TCP proxies and routers. */
public final class AccessLogs {
  private static final Logger LOG = Log.get("main");

  private AccessLogs() {}

  /**
   * Resolves each {@code AccessLog} to its logger extension (by typed_config type URL, else by name) and wraps
   * it with its filter.
   *
   * @param path JSON path of the repeated field, such as {@code ...typed_config.access_log}; entries are
   *     reported as {@code path[i]}
   */
  public static List<AccessLogger> build(List<AccessLog> protos, String path, FactoryContext ctx)
      throws ConfigException {
    List<AccessLogger> out = new ArrayList<>(protos.size());
    for (int i = 0; i < protos.size(); i++) {
      out.add(build(protos.get(i), path + "[" + i + "]", ctx));
    }
    return List.copyOf(out);
  }

  /** One {@code AccessLog}; {@code path} is its own JSON path. */
  public static AccessLogger build(AccessLog proto, String path, FactoryContext ctx) throws ConfigException {
    ExtensionResolver.Resolved<AccessLoggerFactory> r = ctx.extensions().resolve(
        AccessLoggerFactory.class, path, proto.getName(), proto.hasTypedConfig() ? proto.getTypedConfig() : null);
    AccessLogger logger;
    try {
      logger = r.factory().create(r.config(), ctx);
    } catch (ConfigException e) {
      throw e.under(path + ".typed_config");
    }
    if (!proto.hasFilter()) {
      return logger;
    }
    return new FilteredAccessLogger(AccessLogFilters.build(proto.getFilter(), path + ".filter"), logger);
  }

  /** Writes {@code info} to every logger; a logger that throws is reported and does not stop the others. */
  public static void logAll(List<AccessLogger> loggers, StreamInfo info) {
    for (int i = 0; i < loggers.size(); i++) {
      try {
        loggers.get(i).log(info);
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "access logger failed", e);
      }
    }
  }
}
