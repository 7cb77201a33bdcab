package dev.javoy.perf;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.List;

/** Shared set-up: a {@link FactoryContext} built the way proxy's RouteTableFactoryTest builds one. */
final class BenchSupport {
  private BenchSupport() {}

  static FactoryContext context(StatsStore stats, List<String> clusters) throws ConfigException {
    ClusterFactory cf = new ClusterFactory(stats, List.of(), (c, p) -> null);
    ClusterManager cm = new ClusterManager(cf);
    for (String name : clusters) {
      cm.addStatic(cf.create(Cluster.newBuilder().setName(name).build(), "clusters"), "clusters");
    }
    ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
    return new FactoryContext() {
      @Override public StatsStore stats() { return stats; }
      @Override public ExtensionResolver extensions() { return resolver; }
      @Override public ClusterManager clusterManager() { return cm; }
      @Override public ServerOptions options() { return ServerOptions.defaults(); }
      @Override public String listenerStatPrefix() { return "listener.bench."; }
    };
  }
}
