package dev.javoy.proxy.listener;

import dev.javoy.proxy.network.NetworkFilter;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.util.List;

/**
 * A compiled filter chain: its match criteria and its network filters, in order (the last one terminal).
 * Shared by every worker and every connection it takes; immutable.
 */
public record FilterChain(String name, FilterChainMatch match, List<NetworkFilter> filters,
    io.envoyproxy.envoy.config.listener.v3.FilterChain config) {}
