package dev.javoy.proxy.tcp;

import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.NetworkFilter;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.UpstreamCluster;

/**
 * The tcp_proxy network filter (Envoy's {@code envoy.filters.network.tcp_proxy}): built once per filter chain,
 * it gives each connection a {@link TcpProxySession} that relays its bytes to an upstream host and back.
 */
public final class TcpProxyFilter implements NetworkFilter {
  private final TcpProxyConfig config;
  private final TcpProxyStats stats;
  private final ClusterManager clusters;
  private final StatsStore store;

  public TcpProxyFilter(TcpProxyConfig config, FactoryContext ctx) {
    this(config, ctx.stats(), ctx.clusterManager());
  }

  public TcpProxyFilter(TcpProxyConfig config, StatsStore store, ClusterManager clusters) {
    this.config = config;
    this.store = store;
    this.stats = new TcpProxyStats(store.scope("tcp." + config.statPrefix() + "."));
    this.clusters = clusters;
  }

  @Override
  public void install(DownstreamConnection connection) {
    new TcpProxySession(this, connection).install();
  }

  @Override
  public boolean terminal() {
    return true;
  }

  public TcpProxyConfig config() {
    return config;
  }

  public TcpProxyStats stats() {
    return stats;
  }

  ClusterManager clusters() {
    return clusters;
  }

  /** {@code cluster.<name>.upstream_cx_connect_attempts_exceeded}, looked up on that (rare) path only. */
  Counter connectAttemptsExceeded(UpstreamCluster cluster) {
    String statName = cluster.config().getAltStatName().isEmpty() ? cluster.name() : cluster.config().getAltStatName();
    return store.counter("cluster." + statName + ".upstream_cx_connect_attempts_exceeded");
  }
}
