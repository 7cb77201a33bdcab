package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.config.ConfigException;

/** Category {@code envoy.access_loggers}: builds an access logger (without its filter) from typed config. */
public interface AccessLoggerFactory extends ExtensionFactory {
  AccessLogger create(Message config, FactoryContext context) throws ConfigException;
}
