package dev.javoy.proxy.xds;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.TextReadout;

/**
 * Envoy's RDS stats, rooted at {@code http.<stat_prefix>.rds.<route_config_name>.} (a {@code :} in the name
 * becomes {@code _}): {@code config_reload}, {@code config_reload_time_ms}, {@code update_empty} and the xDS
 * subscription stats (with the {@code version_text} text readout). A route configuration shared by several connection managers counts under the
 * {@code stat_prefix} of the first one, as Envoy's shared {@code RdsRouteConfigSubscription} does.
 */
record RdsStats(Counter configReload, Gauge configReloadTimeMs, Counter updateEmpty, Counter updateAttempt,
    Counter updateSuccess, Counter updateRejected, Counter updateFailure, Counter initFetchTimeout,
    Gauge updateTime, Gauge version, TextReadout versionText) {

  static RdsStats of(StatsStore s, String statPrefix, String routeConfigName) {
    String p = "http." + statPrefix + ".rds." + routeConfigName.replace(':', '_') + ".";
    return new RdsStats(s.counter(p + "config_reload"),
        s.gauge(p + "config_reload_time_ms", Gauge.ImportMode.NEVER_IMPORT), s.counter(p + "update_empty"),
        s.counter(p + "update_attempt"), s.counter(p + "update_success"), s.counter(p + "update_rejected"),
        s.counter(p + "update_failure"), s.counter(p + "init_fetch_timeout"),
        s.gauge(p + "update_time", Gauge.ImportMode.NEVER_IMPORT),
        s.gauge(p + "version", Gauge.ImportMode.NEVER_IMPORT), s.textReadout(p + "version_text"));
  }
}
