package dev.javoy.proxy.server;

import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.route.RdsSource;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;

/** The {@link FactoryContext} extensions get while a listener is built. */
record ServerFactoryContext(StatsStore stats, ExtensionResolver extensions, ClusterManager clusterManager,
    ServerOptions options, String listenerStatPrefix, RdsSource rdsSource, SecretProvider secrets,
    io.envoyproxy.envoy.config.core.v3.Node localNode, dev.javoy.proxy.tracing.TracerProviders tracerProviders)
    implements FactoryContext {
  ServerFactoryContext(StatsStore stats, ExtensionResolver extensions, ClusterManager clusterManager,
      ServerOptions options, String listenerStatPrefix, RdsSource rdsSource, SecretProvider secrets,
      io.envoyproxy.envoy.config.core.v3.Node localNode) {
    this(stats, extensions, clusterManager, options, listenerStatPrefix, rdsSource, secrets, localNode,
        dev.javoy.proxy.tracing.TracerProviders.none());
  }
}
