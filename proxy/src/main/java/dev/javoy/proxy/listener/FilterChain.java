package dev.javoy.proxy.listener;

import dev.javoy.proxy.network.NetworkFilter;
import dev.javoy.proxy.tls.DownstreamTlsSocketFactory;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.util.List;

/**
 * A compiled filter chain: its match criteria, its network filters, in order (the last one terminal), and its
 * TLS transport socket ({@code tls}, null for raw_buffer). Shared by every worker and every connection it takes.
 */
public record FilterChain(String name, FilterChainMatch match, List<NetworkFilter> filters,
    io.envoyproxy.envoy.config.listener.v3.FilterChain config, DownstreamTlsSocketFactory tls) {
  /** A plaintext filter chain. */
  public FilterChain(String name, FilterChainMatch match, List<NetworkFilter> filters,
      io.envoyproxy.envoy.config.listener.v3.FilterChain config) {
    this(name, match, filters, config, null);
  }
}
