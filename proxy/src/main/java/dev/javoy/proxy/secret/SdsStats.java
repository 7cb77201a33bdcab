package dev.javoy.proxy.secret;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;

/**
 * Envoy's per-secret SDS stats, rooted at {@code sds.<secret name>.}: the xDS subscription stats
 * ({@code update_attempt}, {@code update_success}, {@code update_rejected}, {@code update_failure},
 * {@code init_fetch_timeout}, {@code update_time}, {@code version}, the {@code version_text} text readout) and {@code key_rotation_failed}.
 */
record SdsStats(Counter updateAttempt, Counter updateSuccess, Counter updateRejected, Counter updateFailure,
    Counter initFetchTimeout, Counter keyRotationFailed, Gauge updateTime, Gauge version,
    dev.javoy.proxy.stats.TextReadout versionText) {

  static SdsStats of(StatsStore stats, String secretName) {
    String p = "sds." + secretName + ".";
    return new SdsStats(stats.counter(p + "update_attempt"), stats.counter(p + "update_success"),
        stats.counter(p + "update_rejected"), stats.counter(p + "update_failure"),
        stats.counter(p + "init_fetch_timeout"), stats.counter(p + "key_rotation_failed"),
        stats.gauge(p + "update_time", Gauge.ImportMode.NEVER_IMPORT),
        stats.gauge(p + "version", Gauge.ImportMode.NEVER_IMPORT), stats.textReadout(p + "version_text"));
  }

  /** Envoy's {@code version} gauge: a hash of the accepted {@code version_info}. */
  static long versionHash(String version) {
    return version == null ? 0 : version.hashCode() & 0xFFFFFFFFL;
  }
}
