package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All clusters by name (Envoy's {@code ClusterManager}). The main thread adds, replaces and removes clusters by
 * publishing a new immutable map; workers look clusters up lock-free on every request.
 */
public final class ClusterManager {
  private volatile Map<String, UpstreamCluster> clusters = Map.of();
  private final ClusterFactory factory;

  private final Counter clusterAdded;
  private final Gauge activeClusters;

  public ClusterManager(ClusterFactory factory) {
    this.factory = factory;
    StatsStore stats = factory.stats();
    clusterAdded = stats.counter("cluster_manager.cluster_added");
    activeClusters = stats.gauge("cluster_manager.active_clusters");
    stats.counter("cluster_manager.cluster_modified");
    stats.counter("cluster_manager.cluster_removed");
    stats.counter("cluster_manager.cluster_updated");
    stats.gauge("cluster_manager.warming_clusters");
  }

  public ClusterFactory factory() {
    return factory;
  }

  /** The active cluster named {@code name}, or null. */
  public UpstreamCluster get(String name) {
    return clusters.get(name);
  }

  public Collection<UpstreamCluster> all() {
    return clusters.values();
  }

  /** Adds a static cluster from the bootstrap (main thread); duplicate names are an error, as in Envoy. */
  public void addStatic(UpstreamCluster c, String path) throws ConfigException {
    if (clusters.containsKey(c.name())) {
      throw new ConfigException(path + ".name", "cluster manager: duplicate cluster '" + c.name() + "'");
    }
    Map<String, UpstreamCluster> next = new LinkedHashMap<>(clusters);
    next.put(c.name(), c);
    clusters = java.util.Collections.unmodifiableMap(next);
    clusterAdded.inc();
    activeClusters.set(next.size());
  }

  /** Starts host discovery of every cluster; {@code done} runs on the main thread once all initialized. */
  public void initialize(Runnable done) {
    Collection<UpstreamCluster> all = clusters.values();
    if (all.isEmpty()) {
      done.run();
      return;
    }
    int[] remaining = {all.size()};
    for (UpstreamCluster c : all) {
      c.initialize(() -> {
        if (--remaining[0] == 0) {
          done.run();
        }
      });
    }
  }

  public void shutdown() {
    for (UpstreamCluster c : clusters.values()) {
      c.shutdown();
    }
  }
}
