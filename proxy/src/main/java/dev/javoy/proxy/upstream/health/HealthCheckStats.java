package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code cluster.<name>.health_check.*} stats. */
public final class HealthCheckStats {
  public final Counter attempt;
  public final Counter success;
  public final Counter failure;
  public final Counter passiveFailure;
  public final Counter networkFailure;
  public final Counter verifyCluster;
  public final Gauge healthy;
  public final Gauge degraded;

  public HealthCheckStats(StatsScope clusterScope) {
    StatsScope s = clusterScope.scope("health_check.");
    attempt = s.counter("attempt");
    success = s.counter("success");
    failure = s.counter("failure");
    passiveFailure = s.counter("passive_failure");
    networkFailure = s.counter("network_failure");
    verifyCluster = s.counter("verify_cluster");
    healthy = s.gauge("healthy");
    degraded = s.gauge("degraded");
  }
}
