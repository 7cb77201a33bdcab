package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.listener.filter.ListenerFilter;

/**
 * Category {@code envoy.filters.listener}: builds a listener filter (tls_inspector, http_inspector,
 * original_dst, ...) from its typed config. The filter is shared by every connection of the listener.
 */
public interface ListenerFilterFactory extends ExtensionFactory {
  ListenerFilter create(Message config, FactoryContext context) throws ConfigException;
}
