package dev.javoy.proxy.upstream;

import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Cluster-wide counts against the circuit breaker thresholds (Envoy's {@code ResourceManager}): shared by all
 * workers, so each acquire is one atomic operation, as in Envoy.
 */
public final class ResourceLimits {
  /** One limited resource. */
  public static final class Resource {
    private final AtomicLong count = new AtomicLong();
    private final long max;

    Resource(long max) {
      this.max = max;
    }

    public boolean tryAcquire() {
      while (true) {
        long c = count.get();
        if (c >= max) {
          return false;
        }
        if (count.compareAndSet(c, c + 1)) {
          return true;
        }
      }
    }

    public boolean canCreate() {
      return count.get() < max;
    }

    public void release() {
      count.decrementAndGet();
    }

    public long count() {
      return count.get();
    }

    public long max() {
      return max;
    }

    /** What may still be acquired: Envoy's {@code remaining_*} gauges. */
    public long remaining() {
      return Math.max(0, max - count.get());
    }

    /** 1 when the breaker is open (nothing more may be acquired), else 0: Envoy's {@code *_open} gauges. */
    public long open() {
      return count.get() >= max ? 1 : 0;
    }
  }

  public final Resource connections;
  public final Resource pendingRequests;
  public final Resource requests;
  public final Resource retries;
  /** The gauges {@link #bindStats} bound and what they read (main thread only). */
  private final List<Gauge> boundGauges = new ArrayList<>(0);
  private final List<LongSupplier> boundSources = new ArrayList<>(0);

  public ResourceLimits(CircuitBreakers cb) {
    connections = new Resource(cb.maxConnections());
    pendingRequests = new Resource(cb.maxPendingRequests());
    requests = new Resource(cb.maxRequests());
    retries = new Resource(cb.maxRetries());
  }

  /**
   * Binds Envoy's circuit breaker gauges of a cluster ({@code circuit_breakers.default.*}, and
   * {@code circuit_breakers.high.*} when the cluster sets HIGH thresholds) to these counts: the gauges are read
   * from the counts when stats are read, so acquiring and releasing costs nothing more. The
   * {@code remaining_*} gauges exist only with {@code track_remaining}, as in Envoy.
   *
   * @param clusterScope {@code cluster.<name>.}
   * @param connectionPools how many connection pools the cluster has (for {@code remaining_cx_pools})
   */
  public void bindStats(CircuitBreakers cb, StatsScope clusterScope, IntSupplier connectionPools) {
    bind(this, cb, clusterScope.scope("circuit_breakers.default."), connectionPools);
    if (cb.high() != null) {
      // javoy routes every request at DEFAULT priority: nothing is ever acquired at HIGH
      bind(new ResourceLimits(cb.high()), cb.high(), clusterScope.scope("circuit_breakers.high."), () -> 0);
    }
  }

  /**
   * The cluster was retired: its gauges stop reading these counts (unless a newer version of the cluster bound
   * them already), so a removed cluster is not kept reachable by its stats.
   */
  public void unbindStats() {
    for (int i = 0; i < boundGauges.size(); i++) {
      boundGauges.get(i).stopReadingFrom(boundSources.get(i));
    }
    boundGauges.clear();
    boundSources.clear();
  }

  private void bind(Gauge g, LongSupplier source) {
    g.readFrom(source);
    boundGauges.add(g);
    boundSources.add(source);
  }

  /** Envoy's default {@code max_connection_pools}: unlimited (uint32 max); javoy does not limit pools. */
  private static final long MAX_CONNECTION_POOLS = 0xFFFF_FFFFL;

  private void bind(ResourceLimits r, CircuitBreakers cb, StatsScope s, IntSupplier connectionPools) {
    bind(s.gauge("cx_open"), r.connections::open);
    bind(s.gauge("cx_pool_open"), () -> 0); // default: ClusterStats' family member; high: its own name
    bind(s.gauge("rq_pending_open"), r.pendingRequests::open);
    bind(s.gauge("rq_open"), r.requests::open);
    bind(s.gauge("rq_retry_open"), r.retries::open);
    if (cb.trackRemaining()) {
      bind(s.gauge("remaining_cx"), r.connections::remaining);
      bind(s.gauge("remaining_cx_pools"), () -> MAX_CONNECTION_POOLS - connectionPools.getAsInt());
      bind(s.gauge("remaining_pending"), r.pendingRequests::remaining);
      bind(s.gauge("remaining_rq"), r.requests::remaining);
      bind(s.gauge("remaining_retries"), r.retries::remaining);
    }
  }
}
