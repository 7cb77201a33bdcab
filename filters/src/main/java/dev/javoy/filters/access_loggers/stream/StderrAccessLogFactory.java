package dev.javoy.filters.access_loggers.stream;

import com.google.protobuf.Message;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.AccessLoggerFactory;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import java.util.List;

/** {@code envoy.access_loggers.stderr}: entries in {@code log_format} (or Envoy's default) on stderr. */
public final class StderrAccessLogFactory implements AccessLoggerFactory {
  @Override
  public Message defaultConfig() {
    return StderrAccessLog.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.access_loggers.stderr");
  }

  @Override
  public AccessLogger create(Message config, FactoryContext context) throws ConfigException {
    StderrAccessLog c = (StderrAccessLog) config;
    return StreamAccessLogs.create(c.hasLogFormat(), c.getLogFormat(), false, context);
  }
}
