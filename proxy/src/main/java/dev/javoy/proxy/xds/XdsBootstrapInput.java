package dev.javoy.proxy.xds;

import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.listener.ListenerManager;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

/** What the xDS layer needs from the server to start. */
public record XdsBootstrapInput(Bootstrap bootstrap, ClusterManager clusters, ListenerManager listeners,
    FactoryContext routeContext, StatsStore stats, EventLoop mainLoop, EventLoopGroup transportGroup,
    Transport transport) {}
