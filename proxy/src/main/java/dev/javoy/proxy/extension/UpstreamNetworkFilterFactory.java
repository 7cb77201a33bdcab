package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.upstream.UpstreamNetworkFilter;

/**
 * Category {@code envoy.filters.upstream_network}: builds a filter of a cluster's {@code filters} (applied to the
 * cluster's upstream connections) from its typed config.
 */
public interface UpstreamNetworkFilterFactory extends ExtensionFactory {
  UpstreamNetworkFilter createUpstream(Message config, FactoryContext context) throws ConfigException;
}
