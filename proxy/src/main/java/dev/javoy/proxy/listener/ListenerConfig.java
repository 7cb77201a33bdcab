package dev.javoy.proxy.listener;

import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.SocketAddress;

/** A compiled listener: where it listens and how it picks a filter chain. Immutable. */
public record ListenerConfig(String name, Listener proto, SocketAddress address, boolean bindToPort,
    boolean reusePort, int backlog, FilterChainMatcher matcher, int bufferLimitBytes, ListenerStats stats,
    TrafficDirection direction, boolean ignoreGlobalConnLimit,
    dev.javoy.proxy.listener.filter.ListenerFilters listenerFilters, boolean useOriginalDst,
    ListenerSocketOptions socketOptions,
    /** The listener's own {@code access_log} ({@link ListenerAccessLog}); empty without. */
    java.util.List<dev.javoy.proxy.accesslog.AccessLogger> accessLoggers) {}
