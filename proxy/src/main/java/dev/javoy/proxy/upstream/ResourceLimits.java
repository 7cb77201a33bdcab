package dev.javoy.proxy.upstream;

import java.util.concurrent.atomic.AtomicLong;

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
}
