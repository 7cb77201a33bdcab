package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
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

  public ClusterManager(ClusterFactory factory) {
    this.factory = factory;
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
