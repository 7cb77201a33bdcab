package dev.javoy.proxy.server;

import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.admin.v3.ServerInfo;

/** Envoy's {@code server.*} stats. */
final class ServerStats {
  final Gauge state;
  final Gauge live;
  final Gauge uptime;
  final Gauge concurrency;
  final Gauge memoryAllocated;
  final Gauge memoryHeapSize;
  final Gauge totalConnections;
  final Gauge version;
  final Gauge hotRestartEpoch;
  final Gauge daysUntilFirstCertExpiring;

  ServerStats(StatsStore s) {
    state = s.gauge("server.state", Gauge.ImportMode.NEVER_IMPORT);
    live = s.gauge("server.live", Gauge.ImportMode.NEVER_IMPORT);
    uptime = s.gauge("server.uptime");
    concurrency = s.gauge("server.concurrency");
    memoryAllocated = s.gauge("server.memory_allocated");
    memoryHeapSize = s.gauge("server.memory_heap_size");
    totalConnections = s.gauge("server.total_connections");
    version = s.gauge("server.version", Gauge.ImportMode.NEVER_IMPORT);
    hotRestartEpoch = s.gauge("server.hot_restart_epoch", Gauge.ImportMode.NEVER_IMPORT);
    daysUntilFirstCertExpiring = s.gauge("server.days_until_first_cert_expiring", Gauge.ImportMode.NEVER_IMPORT);
    s.counter("server.debug_assertion_failures");
    s.counter("server.envoy_bug_failures");
    s.counter("server.static_unknown_fields");
    s.counter("server.dynamic_unknown_fields");
    s.counter("server.wip_protos");
  }

  /** Envoy's numbering of {@code server.state}: LIVE 0, DRAINING 1, PRE_INITIALIZING 2, INITIALIZING 3. */
  void setState(ServerInfo.State st) {
    state.set(switch (st) {
      case LIVE -> 0;
      case DRAINING -> 1;
      case PRE_INITIALIZING -> 2;
      case INITIALIZING -> 3;
      default -> 2;
    });
    live.set(st == ServerInfo.State.LIVE ? 1 : 0);
  }
}
