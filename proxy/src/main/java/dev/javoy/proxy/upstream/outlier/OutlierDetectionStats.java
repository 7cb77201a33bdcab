package dev.javoy.proxy.upstream.outlier;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code cluster.<name>.outlier_detection.*} stats. */
public final class OutlierDetectionStats {
  public final Gauge ejectionsActive;
  public final Counter ejectionsOverflow;
  public final Counter ejectionsEnforcedTotal;
  /** Deprecated in Envoy but still emitted: consecutive 5xx and success rate ejections within the maximum. */
  public final Counter ejectionsTotal;
  /** Deprecated in Envoy but still emitted. */
  public final Counter ejectionsConsecutive5xx;
  /** Deprecated in Envoy but still emitted. */
  public final Counter ejectionsSuccessRate;
  private final Counter[] detected = new Counter[EjectionType.values().length];
  private final Counter[] enforced = new Counter[EjectionType.values().length];

  public OutlierDetectionStats(StatsScope clusterScope) {
    StatsScope s = clusterScope.scope("outlier_detection.");
    ejectionsActive = s.gauge("ejections_active");
    ejectionsOverflow = s.counter("ejections_overflow");
    ejectionsEnforcedTotal = s.counter("ejections_enforced_total");
    ejectionsTotal = s.counter("ejections_total");
    ejectionsConsecutive5xx = s.counter("ejections_consecutive_5xx");
    ejectionsSuccessRate = s.counter("ejections_success_rate");
    for (EjectionType t : EjectionType.values()) {
      detected[t.ordinal()] = s.counter("ejections_detected_" + t.statSuffix);
      enforced[t.ordinal()] = s.counter("ejections_enforced_" + t.statSuffix);
    }
  }

  public Counter detected(EjectionType t) {
    return detected[t.ordinal()];
  }

  public Counter enforced(EjectionType t) {
    return enforced[t.ordinal()];
  }
}
