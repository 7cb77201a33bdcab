package dev.javoy.proxy.upstream;

import io.netty.channel.Channel;

/**
 * A filter of a cluster's {@code filters} (Envoy's upstream network filters, category
 * {@code envoy.filters.upstream_network}), built once from config and shared by the cluster's connections. For
 * each new upstream connection it installs its handler(s) into the connection's pipeline before the protocol
 * codec, in config order, from the connection's own event loop.
 */
public interface UpstreamNetworkFilter {
  void install(Channel upstream, UpstreamCluster cluster, Host host);
}
