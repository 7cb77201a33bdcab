package dev.javoy.filters.access_loggers.stream;

import com.google.protobuf.Message;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.AccessLoggerFactory;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import java.util.List;

/** {@code envoy.access_loggers.stdout}: entries in {@code log_format} (or Envoy's default) on stdout. */
public final class StdoutAccessLogFactory implements AccessLoggerFactory {
  @Override
  public Message defaultConfig() {
    return StdoutAccessLog.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.access_loggers.stdout");
  }

  @Override
  public AccessLogger create(Message config, FactoryContext context) throws ConfigException {
    StdoutAccessLog c = (StdoutAccessLog) config;
    return StreamAccessLogs.create(c.hasLogFormat(), c.getLogFormat(), true, context);
  }
}
