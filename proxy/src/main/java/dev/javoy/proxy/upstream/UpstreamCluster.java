package dev.javoy.proxy.upstream;

import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.upstream.lb.HashLbStats;
import dev.javoy.proxy.upstream.lb.LbPolicy;
import dev.javoy.proxy.upstream.health.HealthCheckSpec;
import dev.javoy.proxy.upstream.health.HealthCheckStats;
import dev.javoy.proxy.upstream.health.HealthChecker;
import dev.javoy.proxy.upstream.health.HealthTransition;
import dev.javoy.proxy.upstream.outlier.OutlierDetectionConfig;
import dev.javoy.proxy.upstream.outlier.OutlierDetectionStats;
import dev.javoy.proxy.upstream.outlier.OutlierDetector;
import dev.javoy.proxy.tls.UpstreamTlsSocketFactory;
import dev.javoy.proxy.tls.UpstreamTransportSockets;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.netty.channel.EventLoop;
import java.util.List;

/**
 * A cluster at run time (Envoy's {@code Upstream::Cluster}): its immutable settings, its current hosts (a new
 * {@link HostSet} is published by the main thread on every membership change) and one
 * {@link WorkerClusterState} per worker holding that worker's load balancer and connection pools.
 */
public final class UpstreamCluster {
  private final Cluster config;
  private final String name;
  private final long connectTimeoutMillis;
  private final HttpUpstreamOptions http;
  private final CircuitBreakers circuitBreakers;
  private final TcpKeepalive tcpKeepalive;
  private final int perConnectionBufferLimitBytes;
  private final ClusterStats stats;
  private final WorkerClusterState[] workers;
  private final List<EventLoop> workerLoops;
  private final HostDiscovery discovery;
  private final ResourceLimits resources;
  private final LbPolicy lbPolicy;
  /** {@code ring_hash_lb.*} or {@code maglev_lb.*}, or null. */
  private final HashLbStats hashLbStats;
  /** The overprovisioning policy of the cluster's own {@code load_assignment} (STATIC and DNS clusters). */
  private final HostSet.AssignmentPolicy defaultAssignmentPolicy;
  private final UpstreamTransportSockets transportSockets;
  private volatile HostSet hosts = HostSet.EMPTY;
  private volatile boolean initialized;

  UpstreamCluster(Cluster config, long connectTimeoutMillis, HttpUpstreamOptions http,
      CircuitBreakers circuitBreakers, TcpKeepalive tcpKeepalive, int perConnectionBufferLimitBytes,
      ClusterStats stats, LbPolicy lbPolicy, List<EventLoop> workerLoops, HostDiscovery discovery,
      UpstreamTransportSockets transportSockets) {
    this.transportSockets = transportSockets;
    this.config = config;
    this.lbPolicy = lbPolicy;
    this.hashLbStats = HashLbStats.create(lbPolicy, stats.scope());
    this.defaultAssignmentPolicy = LoadAssignments.policy(config.getLoadAssignment());
    this.name = config.getName();
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.http = http;
    this.circuitBreakers = circuitBreakers;
    this.tcpKeepalive = tcpKeepalive;
    this.perConnectionBufferLimitBytes = perConnectionBufferLimitBytes;
    this.stats = stats;
    this.discovery = discovery;
    this.resources = new ResourceLimits(circuitBreakers);
    this.workerLoops = List.copyOf(workerLoops);
    this.workers = new WorkerClusterState[workerLoops.size()];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new WorkerClusterState(this, lbPolicy.newLoadBalancer(stats));
    }
    resources.bindStats(circuitBreakers, stats.scope(), this::connectionPoolCount); // h-nack
  }

  public String name() {
    return name;
  }

  public Cluster config() {
    return config;
  }

  public long connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  public HttpUpstreamOptions http() {
    return http;
  }

  public CircuitBreakers circuitBreakers() {
    return circuitBreakers;
  }

  /** {@code upstream_connection_options.tcp_keepalive}, or null. */
  public TcpKeepalive tcpKeepalive() {
    return tcpKeepalive;
  }

  public int perConnectionBufferLimitBytes() {
    return perConnectionBufferLimitBytes;
  }

  /** How many connection pools the workers have (read racily for {@code remaining_cx_pools}). */
  private int connectionPoolCount() {
    int n = 0;
    for (WorkerClusterState w : workers) {
      n += w.poolCount();
    }
    return n;
  }

  /** Circuit breaker counts, shared by the workers. */
  public ResourceLimits resources() {
    return resources;
  }

  /** {@code transport_socket} and {@code transport_socket_matches}. */
  public UpstreamTransportSockets transportSockets() {
    return transportSockets;
  }

  /**
   * The TLS socket for connections to {@code host} (null: plain TCP). A host's metadata never changes (a changed
   * endpoint is a new Host), so each host's pools always use the same transport socket: pools keyed by host are
   * keyed by (host, transport socket).
   */
  public UpstreamTlsSocketFactory transportSocketFor(Host host) {
    return transportSockets.forHost(host.metadata());
  }

  public ClusterStats stats() {
    return stats;
  }

  public HostSet hosts() {
    return hosts;
  }

  public boolean initialized() {
    return initialized;
  }

  /** The calling worker's state for this cluster; must be called on a worker thread. */
  public WorkerClusterState forCurrentWorker() {
    int i = WorkerThread.currentIndex();
    if (i < 0) {
      throw new IllegalStateException("upstream state is per worker; called from " + Thread.currentThread());
    }
    return workers[i];
  }

  WorkerClusterState[] workerStates() {
    return workers;
  }

  /**
   * Starts host discovery; {@code onInitialized} runs (on the main thread) once the first host set is in and,
   * with active health checks, once every first host has had its first check (Envoy's cluster warming).
   */
  void initialize(Runnable onInitialized) {
    discovery.start(this, () -> {
      if (initialized || discoveryInitialized) {
        return;
      }
      discoveryInitialized = true;
      startHealth(() -> {
        initialized = true;
        onInitialized.run();
      });
    });
  }

  void shutdown() {
    resources.unbindStats(); // h-nack
    discovery.stop();
    stopHealth();
    transportSockets.close();
  }

  // ---- upstream_bind_config (h-inspect) ----
  private java.net.SocketAddress upstreamBindAddress;

  /** {@code upstream_bind_config.source_address}: the local address upstream connections bind, or null. */
  public java.net.SocketAddress upstreamBindAddress() {
    return upstreamBindAddress;
  }

  /** Set once by {@link ClusterFactory} before the cluster is published to the workers. */
  void bindUpstreamFrom(java.net.SocketAddress source) {
    this.upstreamBindAddress = source;
  }

  /** Where this cluster's hosts come from (the ORIGINAL_DST hook finds its discovery here). */
  public HostDiscovery discovery() {
    return discovery;
  }

  /** The EDS assignment in force, or null when the cluster is not EDS or has none yet. */
  public io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment edsAssignment() {
    return discovery.assignment();
  }

  /**
   * The cluster was replaced or removed: discovery stops and every worker drains its pools on its own loop
   * (idle connections close; connections serving a request close when it completes).
   */
  void retire() {
    resources.unbindStats(); // h-nack
    discovery.stop();
    stopHealth();
    transportSockets.close();
    for (int i = 0; i < workers.length; i++) {
      WorkerClusterState w = workers[i];
      EventLoop loop = workerLoops.get(i);
      if (!loop.isShuttingDown()) {
        loop.execute(w::drainAll);
      }
    }
  }

  /**
   * Publishes a new membership (main thread). Hosts equal to current ones keep their identity and pools; each
   * worker then drains, on its own loop, the pools of hosts that left.
   */
  public void updateHosts(List<Host> fresh) {
    updateHosts(fresh, defaultAssignmentPolicy);
  }

  /** As {@link #updateHosts(List)}, with the overprovisioning policy of the assignment the hosts came from. */
  public void updateHosts(List<Host> fresh, HostSet.AssignmentPolicy assignmentPolicy) {
    stats.updateAttempt.inc();
    HostSet previous = hosts;
    fresh = keepHealthyRemovedHosts(fresh, previous);
    List<Host> kept = HostSet.reuse(fresh, previous);
    boolean healthChanged = carryEdsHealth(fresh, kept);
    if (kept.equals(previous.all()) && assignmentPolicy.equals(previous.assignmentPolicy())) {
      stats.updateNoRebuild.inc();
      stats.updateSuccess.inc();
      if (healthChanged) {
        onHostHealthChanged();
      }
      return;
    }
    beforePublish(kept); // sets the health of new hosts, which the HostSet's loads depend on
    HostSet next = new HostSet(kept, assignmentPolicy, lbPolicy);
    hosts = next;
    if (hashLbStats != null) {
      hashLbStats.record(next);
    }
    afterPublish(next.all());
    if (!new java.util.HashSet<>(next.all()).containsAll(previous.all())) { // Host equality is identity
      dropPoolsOfRemovedHosts();
    }
    stats.membershipChange.inc();
    stats.membershipTotal.set(next.all().size());
    updateHealthGauges();
    stats.maxHostWeight.set(next.all().stream().mapToInt(Host::weight).max().orElse(0));
    stats.updateSuccess.inc();
    if (next.isEmpty()) {
      stats.updateEmpty.inc();
    }
  }

  /** Tells every worker to drain the pools of hosts no longer in the membership current when it runs. */
  private void dropPoolsOfRemovedHosts() {
    for (int i = 0; i < workers.length; i++) {
      WorkerClusterState w = workers[i];
      EventLoop loop = workerLoops.get(i);
      if (!loop.isShuttingDown()) {
        loop.execute(() -> w.dropPoolsNotIn(hosts));
      }
    }
  }

  // ---- health: outlier detection and active health checks (dev.javoy.proxy.upstream.outlier / .health) -------

  private OutlierDetector outlierDetector;
  private HealthChecker healthChecker;
  private EventLoop mainLoop;
  private boolean closeConnectionsOnHostHealthFailure;
  private boolean discoveryInitialized;
  private boolean healthStarted;

  /** Called once by {@link ClusterFactory} before the cluster is initialized. */
  void configureHealth(OutlierDetectionConfig outlier, HealthCheckSpec healthCheck, EventLoop mainLoop) {
    this.mainLoop = mainLoop;
    this.closeConnectionsOnHostHealthFailure = config.getCloseConnectionsOnHostHealthFailure();
    if (mainLoop == null) {
      return; // no main loop (tests that never start the cluster): nothing runs
    }
    if (outlier != null) {
      outlierDetector = new OutlierDetector(outlier, new OutlierDetectionStats(stats.scope()), mainLoop,
          OutlierDetector.on(mainLoop), () -> System.nanoTime() / 1_000_000, System.nanoTime(),
          h -> onHostHealthChanged());
    }
    if (healthCheck != null) {
      healthChecker = new HealthChecker(healthCheck, mainLoop, new HealthCheckStats(stats.scope()),
          () -> stats.upstreamCxTotal.value() > 0, this::onHostCheckComplete);
    }
  }

  /** The cluster's outlier detector, or null. */
  public OutlierDetector outlierDetector() {
    return outlierDetector;
  }

  /** The cluster's active health checker, or null. */
  public HealthChecker healthChecker() {
    return healthChecker;
  }

  /**
   * A worker got a response with {@code x-envoy-immediate-health-check-fail} from {@code host}: with active health
   * checks, the host fails (passively) and is excluded, on the main thread, as Envoy's router does.
   */
  public void onImmediateHealthCheckFail(Host host) {
    HealthChecker hc = healthChecker;
    if (hc != null && !mainLoop.isShuttingDown()) {
      mainLoop.execute(() -> hc.onImmediateHealthCheckFail(host));
    }
  }

  private void startHealth(Runnable done) {
    healthStarted = true;
    if (outlierDetector != null) {
      outlierDetector.start();
    }
    if (healthChecker == null) {
      done.run();
      return;
    }
    healthChecker.start(hosts.all(), done);
  }

  private void stopHealth() {
    if (mainLoop != null && !mainLoop.inEventLoop() && !mainLoop.isShuttingDown()) {
      mainLoop.execute(this::stopHealth); // their state belongs to the main thread
      return;
    }
    if (outlierDetector != null) {
      outlierDetector.stop();
    }
    if (healthChecker != null) {
      healthChecker.stop();
    }
  }

  /** Hosts about to be published: new ones of a health-checked cluster start failed and pending (main thread). */
  private void beforePublish(List<Host> next) {
    if (healthChecker != null) {
      for (Host h : next) {
        if (!healthChecker.checks(h)) {
          h.healthFlagSet(Host.FAILED_ACTIVE_HC | Host.PENDING_ACTIVE_HC);
        }
      }
    }
    if (outlierDetector != null) {
      outlierDetector.onHostsChanged(next);
    }
  }

  private void afterPublish(List<Host> next) {
    if (healthChecker != null && healthStarted) {
      healthChecker.onHostsChanged(next);
    }
  }

  /**
   * Envoy's {@code ignore_health_on_host_removal: false} (the default): with active health checks, a host that
   * leaves the membership while passing its checks stays, flagged {@code PENDING_DYNAMIC_REMOVAL}, until a check
   * fails; a host that comes back loses the flag. Without health checks hosts leave at once.
   */
  private List<Host> keepHealthyRemovedHosts(List<Host> fresh, HostSet previous) {
    if (healthChecker == null || config.getIgnoreHealthOnHostRemoval() || previous.isEmpty()) {
      return fresh;
    }
    java.util.Map<Host.Identity, Host> present = new java.util.HashMap<>(fresh.size() * 2);
    for (Host h : fresh) {
      present.put(h.identity(), h);
    }
    List<Host> out = null;
    for (Host h : previous.all()) {
      Host again = present.get(h.identity());
      if (again != null) {
        if (again != h) {
          h.healthFlagClear(Host.PENDING_DYNAMIC_REMOVAL); // discovery lists it again
        }
      } else if (!h.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
        h.healthFlagSet(Host.PENDING_DYNAMIC_REMOVAL);
        if (out == null) {
          out = new java.util.ArrayList<>(fresh);
        }
        out.add(h);
      }
    }
    return out == null ? fresh : out;
  }

  /** A host pending removal failed its health check: it leaves now (main thread). */
  private void removeIfPendingRemoval(Host host) {
    if (host.healthFlagGet(Host.PENDING_DYNAMIC_REMOVAL) && host.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
      List<Host> rest = new java.util.ArrayList<>(hosts.all());
      rest.remove(host);
      updateHosts(rest);
    }
  }

  /** EDS health of hosts kept across an update follows the new assignment; returns whether any changed. */
  private static boolean carryEdsHealth(List<Host> fresh, List<Host> kept) {
    boolean changed = false;
    for (int i = 0; i < fresh.size(); i++) {
      Host f = fresh.get(i);
      Host k = kept.get(i);
      if (f == k) {
        continue;
      }
      if (f.edsHealthFlags() != k.edsHealthFlags()) {
        int flags = f.edsHealthFlags();
        k.healthFlagClear(Host.FAILED_EDS_HEALTH | Host.DEGRADED_EDS_HEALTH | Host.EDS_STATUS_DRAINING);
        k.healthFlagSet(flags);
        changed = true;
      }
      if (f.healthCheckPort() != k.healthCheckPort() || !f.healthCheckHostname().equals(k.healthCheckHostname())) {
        k.setHealthCheckEndpoint(f.healthCheckPort(), f.healthCheckHostname());
      }
    }
    return changed;
  }

  private void onHostCheckComplete(Host host, HealthTransition changed, boolean passed) {
    if (passed && outlierDetector != null) {
      outlierDetector.onActiveHealthCheckSuccess(host);
    }
    if (changed == HealthTransition.CHANGED) {
      removeIfPendingRemoval(host);
      onHostHealthChanged();
      if (!passed && closeConnectionsOnHostHealthFailure && host.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
        for (int i = 0; i < workers.length; i++) {
          WorkerClusterState w = workers[i];
          EventLoop loop = workerLoops.get(i);
          if (!loop.isShuttingDown()) {
            loop.execute(() -> w.drainPoolsOf(host));
          }
        }
      }
    }
  }

  /**
   * Host health flags of members changed (main thread): publishes the same hosts with priority loads, panic
   * flags, locality weights and hash tables recomputed, so load balancers see the new health; the health gauges
   * follow.
   */
  public void onHostHealthChanged() {
    hosts = hosts.withHealthChanged();
    if (hashLbStats != null) {
      hashLbStats.record(hosts);
    }
    updateHealthGauges();
  }

  private void updateHealthGauges() {
    long healthy = 0;
    long degraded = 0;
    for (Host h : hosts.all()) {
      switch (h.coarseHealth()) {
        case HEALTHY -> healthy++;
        case DEGRADED -> degraded++;
        default -> { }
      }
    }
    stats.membershipHealthy.set(healthy);
    stats.membershipDegraded.set(degraded);
  }

  // ---- Cluster.filters ----

  private volatile UpstreamFilterChain upstreamFilters = UpstreamFilterChain.EMPTY;

  /** The cluster's upstream network filters ({@code filters}), installed on each new upstream connection. */
  public UpstreamFilterChain upstreamFilters() {
    return upstreamFilters;
  }

  /** Set once by {@link ClusterFactory} before the cluster is published. */
  void setUpstreamFilters(UpstreamFilterChain filters) {
    this.upstreamFilters = filters;
  }
}
