package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.network.NetworkFilter;

/** Category {@code envoy.filters.network}: builds a filter chain's network filter from its typed config. */
public interface NetworkFilterFactory extends ExtensionFactory {
  NetworkFilter create(Message config, FactoryContext context) throws ConfigException;
}
