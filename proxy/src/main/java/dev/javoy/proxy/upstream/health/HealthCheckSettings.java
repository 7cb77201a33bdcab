package dev.javoy.proxy.upstream.health;

import java.util.SplittableRandom;

/** The timing and threshold fields of a {@code HealthCheck} with Envoy's defaults applied. Immutable. */
public record HealthCheckSettings(
    long timeoutMillis,
    long intervalMillis,
    long initialJitterMillis,
    long intervalJitterMillis,
    int intervalJitterPercent,
    int unhealthyThreshold,
    int healthyThreshold,
    boolean reuseConnection,
    long noTrafficIntervalMillis,
    long noTrafficHealthyIntervalMillis,
    long unhealthyIntervalMillis,
    long unhealthyEdgeIntervalMillis,
    long healthyEdgeIntervalMillis) {

  /** Whether the last result left the host healthy or unhealthy (Envoy's {@code HealthState}). */
  public enum State { HEALTHY, UNHEALTHY }

  /**
   * The delay before the next check (Envoy's {@code HealthCheckerImplBase::interval}): the no-traffic intervals
   * while the cluster has never opened a connection; else {@code unhealthy_interval} while unhealthy and {@code interval} while healthy; the edge intervals while a
   * change of health waits for its threshold; plus jitter.
   */
  public long nextDelayMillis(State state, HealthTransition transition, boolean trafficSeen, SplittableRandom random) {
    long base;
    if (!trafficSeen) {
      base = state == State.HEALTHY && transition != HealthTransition.CHANGE_PENDING
          ? noTrafficHealthyIntervalMillis : noTrafficIntervalMillis;
    } else if (state == State.UNHEALTHY) {
      // While a change waits for its threshold, the edge intervals apply (as Envoy's code does).
      base = transition == HealthTransition.CHANGE_PENDING ? unhealthyEdgeIntervalMillis : unhealthyIntervalMillis;
    } else {
      base = transition == HealthTransition.CHANGE_PENDING ? healthyEdgeIntervalMillis : intervalMillis;
    }
    long percentJitter = intervalJitterPercent * base / 100;
    if (percentJitter > 0) {
      base += random.nextLong(percentJitter);
    }
    if (intervalJitterMillis > 0) {
      base += random.nextLong(intervalJitterMillis);
    }
    return Math.max(1, base);
  }
}
