package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import java.util.Set;

/**
 * The DEFAULT-priority circuit breaker thresholds of a cluster (Envoy defaults: 1024 connections, 1024
 * pending requests, 1024 requests, 3 retries). Limits are per process as in Envoy; javoy enforces them per
 * worker with the limit divided by nothing: each worker checks the cluster-wide active gauges.
 *
 * @param trackRemaining {@code track_remaining}: publish the {@code circuit_breakers.default.remaining_*} gauges
 * @param high the HIGH-priority thresholds when the cluster configures them, else null. javoy routes every
 *     request at DEFAULT priority, so they limit nothing; they only give the {@code circuit_breakers.high.*}
 *     gauges their values.
 */
public record CircuitBreakers(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries,
    boolean trackRemaining, CircuitBreakers high) {
  public static final CircuitBreakers DEFAULTS = new CircuitBreakers(1024, 1024, 1024, 3);

  private static final Set<String> SUPPORTED = Set.of("priority", "max_connections", "max_pending_requests",
      "max_requests", "max_retries", "track_remaining");

  public CircuitBreakers(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries) {
    this(maxConnections, maxPendingRequests, maxRequests, maxRetries, false, null);
  }

  public static CircuitBreakers from(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers cb, String path)
      throws ConfigException {
    FieldSupport.check(cb, path, Set.of("thresholds"));
    CircuitBreakers out = DEFAULTS;
    CircuitBreakers high = null;
    for (int i = 0; i < cb.getThresholdsCount(); i++) {
      Thresholds t = cb.getThresholds(i);
      String p = FieldSupport.index(path, "thresholds", i);
      FieldSupport.check(t, p, SUPPORTED);
      if (t.getPriority() == RoutingPriority.HIGH) {
        high = of(t);
      } else if (t.getPriority() == RoutingPriority.DEFAULT) {
        out = of(t);
      }
    }
    return high == null ? out : new CircuitBreakers(out.maxConnections, out.maxPendingRequests, out.maxRequests,
        out.maxRetries, out.trackRemaining, high);
  }

  private static CircuitBreakers of(Thresholds t) {
    // uint32: Istio sets 4294967295 ("no limit"), which getValue() returns as -1
    return new CircuitBreakers(
        t.hasMaxConnections() ? Integer.toUnsignedLong(t.getMaxConnections().getValue()) : DEFAULTS.maxConnections,
        t.hasMaxPendingRequests() ? Integer.toUnsignedLong(t.getMaxPendingRequests().getValue()) : DEFAULTS.maxPendingRequests,
        t.hasMaxRequests() ? Integer.toUnsignedLong(t.getMaxRequests().getValue()) : DEFAULTS.maxRequests,
        t.hasMaxRetries() ? Integer.toUnsignedLong(t.getMaxRetries().getValue()) : DEFAULTS.maxRetries,
        t.getTrackRemaining(), null);
  }
}
