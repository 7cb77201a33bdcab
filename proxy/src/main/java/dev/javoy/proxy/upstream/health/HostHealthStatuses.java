package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.admin.v3.HostHealthStatus;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;

/** A host's health flags as the admin {@code /clusters} {@code HostHealthStatus}, mapped as Envoy maps them. */
public final class HostHealthStatuses {
  private HostHealthStatuses() {}

  public static HostHealthStatus of(Host h) {
    int f = h.healthFlags();
    HealthStatus eds = HealthStatus.HEALTHY;
    if ((f & Host.FAILED_EDS_HEALTH) != 0) {
      eds = HealthStatus.UNHEALTHY;
    } else if ((f & Host.EDS_STATUS_DRAINING) != 0) {
      eds = HealthStatus.DRAINING;
    } else if ((f & Host.DEGRADED_EDS_HEALTH) != 0) {
      eds = HealthStatus.DEGRADED;
    }
    return HostHealthStatus.newBuilder()
        .setFailedActiveHealthCheck((f & Host.FAILED_ACTIVE_HC) != 0)
        .setFailedOutlierCheck((f & Host.FAILED_OUTLIER_CHECK) != 0)
        .setFailedActiveDegradedCheck((f & Host.DEGRADED_ACTIVE_HC) != 0)
        .setPendingDynamicRemoval((f & Host.PENDING_DYNAMIC_REMOVAL) != 0)
        .setPendingActiveHc((f & Host.PENDING_ACTIVE_HC) != 0)
        .setExcludedViaImmediateHcFail((f & Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL) != 0)
        .setActiveHcTimeout((f & Host.ACTIVE_HC_TIMEOUT) != 0)
        .setEdsHealthStatus(eds)
        .build();
  }
}
