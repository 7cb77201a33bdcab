package dev.javoy.proxy.upstream;

import dev.javoy.proxy.stats.StatsScope;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

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

  /** Envoy's default {@code max_connection_pools}: unlimited (uint32 max); javoy does not limit pools. */
  private static final long MAX_CONNECTION_POOLS = 0xFFFF_FFFFL;

  private static void bind(ResourceLimits r, CircuitBreakers cb, StatsScope s, IntSupplier connectionPools) {
    s.gauge("cx_open").readFrom(r.connections::open);
    s.gauge("cx_pool_open").readFrom(() -> 0);
    s.gauge("rq_pending_open").readFrom(r.pendingRequests::open);
    s.gauge("rq_open").readFrom(r.requests::open);
    s.gauge("rq_retry_open").readFrom(r.retries::open);
    if (cb.trackRemaining()) {
      s.gauge("remaining_cx").readFrom(r.connections::remaining);
      s.gauge("remaining_cx_pools").readFrom(() -> MAX_CONNECTION_POOLS - connectionPools.getAsInt());
      s.gauge("remaining_pending").readFrom(r.pendingRequests::remaining);
      s.gauge("remaining_rq").readFrom(r.requests::remaining);
      s.gauge("remaining_retries").readFrom(r.retries::remaining);
    }
  }
}
