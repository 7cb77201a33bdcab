package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
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
  private final Counter clusterModified;
  private final Counter clusterRemoved;
  private final Gauge activeClusters;
  private final Gauge warmingClusters;
  /** Main-thread state of dynamic (CDS) clusters. */
  private final Set<String> staticNames = new HashSet<>();
  private final Map<String, UpstreamCluster> warming = new HashMap<>();
  private final Map<String, DynamicCluster> dynamic = new HashMap<>();
  /** Activations (cluster set) and removals (cluster null) waiting to be published together. */
  private final List<Pending> pending = new ArrayList<>();
  private final List<Runnable> warmWaiters = new ArrayList<>();
  private Executor mainLoop = Runnable::run;

  private record Pending(String name, UpstreamCluster cluster) {}

  /** A CDS cluster's version and update time, for {@code /config_dump}. */
  public record DynamicCluster(UpstreamCluster cluster, String version, long lastUpdatedMillis) {}

  public ClusterManager(ClusterFactory factory) {
    this.factory = factory;
    StatsStore stats = factory.stats();
    clusterAdded = stats.counter("cluster_manager.cluster_added");
    clusterModified = stats.counter("cluster_manager.cluster_modified");
    clusterRemoved = stats.counter("cluster_manager.cluster_removed");
    activeClusters = stats.gauge("cluster_manager.active_clusters");
    warmingClusters = stats.gauge("cluster_manager.warming_clusters");
    stats.counter("cluster_manager.cluster_updated");
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
    staticNames.add(c.name());
    clusterAdded.inc();
    activeClusters.set(next.size());
  }

  /** The main thread's executor, on which cluster activations are batched. */
  public void setMainLoop(Executor mainLoop) {
    this.mainLoop = mainLoop;
  }

  /**
   * Applies a CDS update on the main thread: new and changed clusters warm (their hosts must arrive) while the
   * previous version keeps serving, then replace it; removed clusters retire (their pools drain). Clusters
   * that fail to build are not applied and returned with their error, so the update can be NACKed while the
   * rest applies, as Envoy does. Static clusters cannot be changed or removed.
   */
  public Map<String, String> applyDynamic(Map<String, Cluster> upserts, Set<String> removed, String version) {
    Map<String, String> errors = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    for (Map.Entry<String, Cluster> e : upserts.entrySet()) {
      String name = e.getKey();
      if (staticNames.contains(name)) {
        errors.put(name, "cluster '" + name + "' is a static cluster and cannot be updated by CDS");
        continue;
      }
      DynamicCluster current = dynamic.get(name);
      UpstreamCluster warm = warming.get(name);
      if ((current != null && current.cluster().config().equals(e.getValue()))
          || (warm != null && warm.config().equals(e.getValue()))) {
        continue;
      }
      UpstreamCluster built;
      try {
        built = factory.create(e.getValue(), "");
      } catch (ConfigException ex) {
        errors.put(name, ex.getMessage());
        continue;
      }
      if (warm != null) {
        warm.retire();
      }
      warming.put(name, built);
      dynamic.put(name, new DynamicCluster(built, version, now));
      if (current == null) {
        clusterAdded.inc();
      } else {
        clusterModified.inc();
      }
      initializeWithSecrets(built, () -> activate(built));
    }
    for (String name : removed) {
      if (staticNames.contains(name) || !dynamic.containsKey(name)) {
        continue;
      }
      dynamic.remove(name);
      UpstreamCluster warm = warming.remove(name);
      if (warm != null) {
        warm.retire();
      }
      UpstreamCluster active = clusters.get(name);
      if (active != null) {
        pending.add(new Pending(name, null));
        scheduleFlush();
      }
      clusterRemoved.inc();
    }
    warmingClusters.set(warming.size());
    if (warming.isEmpty()) {
      mainLoop.execute(this::runWarmWaiters);
    }
    return errors;
  }

  private void activate(UpstreamCluster c) {
    if (warming.get(c.name()) != c) {
      return; // replaced or removed while warming
    }
    warming.remove(c.name());
    pending.add(new Pending(c.name(), c));
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (pending.size() == 1) {
      mainLoop.execute(this::flushActivations);
    }
  }

  /** Publishes all activations and removals of one main-loop turn as one new map (no copy per cluster). */
  private void flushActivations() {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, UpstreamCluster> next = new HashMap<>(clusters);
    for (Pending p : pending) {
      UpstreamCluster old = p.cluster() == null ? next.remove(p.name()) : next.put(p.name(), p.cluster());
      if (old != null && old != p.cluster()) {
        old.retire();
      }
    }
    pending.clear();
    clusters = java.util.Collections.unmodifiableMap(next);
    activeClusters.set(next.size());
    warmingClusters.set(warming.size());
    runWarmWaiters();
  }

  /** Runs {@code r} on the main thread once no cluster is warming (at once if none is). */
  public void whenWarm(Runnable r) {
    if (warming.isEmpty()) {
      r.run();
    } else {
      warmWaiters.add(r);
    }
  }

  private void runWarmWaiters() {
    if (warming.isEmpty() && !warmWaiters.isEmpty()) {
      List<Runnable> ready = List.copyOf(warmWaiters);
      warmWaiters.clear();
      ready.forEach(Runnable::run);
    }
  }

  /** Clusters still waiting for their first hosts (Envoy's warming clusters). */
  public Collection<UpstreamCluster> warming() {
    return List.copyOf(warming.values());
  }

  /** CDS clusters with their versions (active or warming). */
  public Collection<DynamicCluster> dynamicClusters() {
    return List.copyOf(dynamic.values());
  }

  public boolean isStatic(String name) {
    return staticNames.contains(name);
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
      initializeWithSecrets(c, () -> {
        if (--remaining[0] == 0) {
          done.run();
        }
      });
    }
  }

  /**
   * Initializes a cluster and runs {@code done} on the main thread once its hosts are in and every TLS transport
   * socket has its secrets (or a secret's {@code initial_fetch_timeout} expired), as Envoy's cluster init waits
   * for the SDS init targets of its transport sockets.
   */
  private void initializeWithSecrets(UpstreamCluster c, Runnable done) {
    c.initialize(() -> {
      java.util.concurrent.CompletableFuture<Void> tls = c.transportSockets().whenReady();
      if (tls.isDone()) {
        done.run();
      } else {
        tls.whenComplete((v, err) -> mainLoop.execute(done));
      }
    });
  }

  public void shutdown() {
    for (UpstreamCluster c : clusters.values()) {
      c.shutdown();
    }
  }
}
