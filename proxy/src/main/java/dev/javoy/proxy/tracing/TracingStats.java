package dev.javoy.proxy.tracing;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code http.<stat_prefix>.tracing.*}: one counter per tracing decision reason. */
public final class TracingStats {
  final Counter randomSampling;
  final Counter serviceForced;
  final Counter clientEnabled;
  final Counter notTraceable;
  final Counter healthCheck;

  public TracingStats(StatsScope tracing) {
    randomSampling = tracing.counter("random_sampling");
    serviceForced = tracing.counter("service_forced");
    clientEnabled = tracing.counter("client_enabled");
    notTraceable = tracing.counter("not_traceable");
    healthCheck = tracing.counter("health_check");
  }

  /** Envoy's {@code chargeTracingStats}. */
  void charge(TraceReason reason) {
    switch (reason) {
      case SAMPLING -> randomSampling.inc();
      case SERVICE_FORCED -> serviceForced.inc();
      case CLIENT_FORCED -> clientEnabled.inc();
      case HEALTH_CHECK -> healthCheck.inc();
      default -> notTraceable.inc();
    }
  }
}
