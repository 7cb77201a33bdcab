package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.filter.HttpFilterConfig;

/**
 * Category {@code envoy.filters.http}: builds an HTTP filter's shared config from its typed config; the
 * config creates one filter instance per stream.
 */
public interface HttpFilterFactory extends ExtensionFactory {
  /**
   * @param statPrefix the HTTP connection manager's stat prefix ({@code http.<stat_prefix>.})
   */
  HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException;

  /** Parses this filter's {@code typed_per_filter_config} on a route or virtual host; null if unsupported. */
  default Object createRouteConfig(Message perRouteConfig, FactoryContext context) throws ConfigException {
    throw new ConfigException("typed_per_filter_config is not supported by " + typeUrl());
  }

  /** The config message type of {@code typed_per_filter_config}, or null if the filter has none. */
  default Message defaultRouteConfig() {
    return null;
  }

  /** Whether this is a terminal filter (the router). */
  default boolean terminal() {
    return false;
  }
}
