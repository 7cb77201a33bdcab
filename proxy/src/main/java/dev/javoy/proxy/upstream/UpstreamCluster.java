package dev.javoy.proxy.upstream;

import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.upstream.lb.LoadBalancer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.function.Supplier;

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
  private volatile HostSet hosts = HostSet.EMPTY;
  private volatile boolean initialized;

  UpstreamCluster(Cluster config, long connectTimeoutMillis, HttpUpstreamOptions http,
      CircuitBreakers circuitBreakers, TcpKeepalive tcpKeepalive, int perConnectionBufferLimitBytes,
      ClusterStats stats, Supplier<LoadBalancer> lbFactory, List<EventLoop> workerLoops, HostDiscovery discovery) {
    this.config = config;
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
      workers[i] = new WorkerClusterState(this, lbFactory.get());
    }
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

  /** Circuit breaker counts, shared by the workers. */
  public ResourceLimits resources() {
    return resources;
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

  /** Starts host discovery; {@code onInitialized} runs (on the main thread) once the first host set is in. */
  void initialize(Runnable onInitialized) {
    discovery.start(this, () -> {
      if (!initialized) {
        initialized = true;
        onInitialized.run();
      }
    });
  }

  void shutdown() {
    discovery.stop();
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
    discovery.stop();
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
    stats.updateAttempt.inc();
    HostSet previous = hosts;
    HostSet next = new HostSet(HostSet.reuse(fresh, previous));
    if (next.all().equals(previous.all())) {
      stats.updateNoRebuild.inc();
      stats.updateSuccess.inc();
      return;
    }
    hosts = next;
    if (!new java.util.HashSet<>(next.all()).containsAll(previous.all())) { // Host equality is identity
      dropPoolsOfRemovedHosts();
    }
    stats.membershipChange.inc();
    stats.membershipTotal.set(next.all().size());
    long healthy = next.all().stream().filter(Host::healthy).count();
    stats.membershipHealthy.set(healthy);
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
