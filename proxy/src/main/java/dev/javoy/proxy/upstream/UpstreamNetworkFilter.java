package dev.javoy.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * A filter of a cluster's {@code filters} (Envoy's upstream network filters, category
 * {@code envoy.filters.upstream_network}), built once from config and shared by the cluster's connections. For
 * each new upstream connection it makes the handler that sits between the transport socket (TLS, when the
 * pipeline has an {@link io.netty.handler.ssl.SslHandler}) and the protocol codec; {@link UpstreamFilterChain}
 * places the handlers in config order, on the connection's own event loop.
 */
public interface UpstreamNetworkFilter {
  /** The handler for one new upstream connection, or null to stay out of it. */
  ChannelHandler newHandler(Channel upstream, UpstreamCluster cluster, Host host);
}
