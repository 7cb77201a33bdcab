package dev.javoy.proxy.xds;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.TextReadout;
import dev.javoy.xds.ResourceType;
import dev.javoy.xds.XdsStatsListener;
import io.grpc.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Envoy's subscription stats: {@code cluster_manager.cds.*}, {@code listener_manager.lds.*}, and
 * {@code control_plane.connected_state}, fed by the xDS client on the main thread.
 */
final class XdsStats implements XdsStatsListener {
  /** One subscription type's counters. */
  private record Sub(Counter attempt, Counter success, Counter rejected, Counter failure, Counter initFetchTimeout,
      Gauge updateTime, Gauge versionHash, TextReadout versionText) {
    static Sub of(StatsStore s, String prefix) {
      return new Sub(s.counter(prefix + "update_attempt"), s.counter(prefix + "update_success"),
          s.counter(prefix + "update_rejected"), s.counter(prefix + "update_failure"),
          s.counter(prefix + "init_fetch_timeout"), s.gauge(prefix + "update_time", Gauge.ImportMode.NEVER_IMPORT),
          s.gauge(prefix + "version", Gauge.ImportMode.NEVER_IMPORT), s.textReadout(prefix + "version_text"));
    }
  }

  private final Map<ResourceType<?>, Sub> byType = new HashMap<>();
  private final Gauge connectedState;

  XdsStats(StatsStore stats) {
    byType.put(ResourceType.CLUSTER, Sub.of(stats, "cluster_manager.cds."));
    byType.put(ResourceType.LISTENER, Sub.of(stats, "listener_manager.lds."));
    connectedState = stats.gauge("control_plane.connected_state", Gauge.ImportMode.NEVER_IMPORT);
    stats.counter("control_plane.rate_limit_enforced");
    stats.gauge("control_plane.pending_requests");
  }

  @Override
  public void onUpdateAttempt(ResourceType<?> type) {
    Sub s = byType.get(type);
    if (s != null) {
      s.attempt().inc();
    }
  }

  @Override
  public void onUpdateSuccess(ResourceType<?> type, String version, Instant time) {
    Sub s = byType.get(type);
    if (s != null) {
      s.success().inc();
      s.updateTime().set(time.toEpochMilli());
      // Envoy's "version" gauge is a hash of version_info; version_text is a text readout
      s.versionHash().set(version == null ? 0 : version.hashCode() & 0xFFFFFFFFL);
      s.versionText().set(version);
    }
  }

  @Override
  public void onUpdateRejected(ResourceType<?> type, String details) {
    Sub s = byType.get(type);
    if (s != null) {
      s.rejected().inc();
    }
  }

  @Override
  public void onUpdateFailure(ResourceType<?> type, Status status) {
    Sub s = byType.get(type);
    if (s != null) {
      s.failure().inc();
    }
  }

  @Override
  public void onInitFetchTimeout(ResourceType<?> type) {
    Sub s = byType.get(type);
    if (s != null) {
      s.initFetchTimeout().inc();
    }
  }

  @Override
  public void onConnectedStateChanged(boolean connected) {
    connectedState.set(connected ? 1 : 0);
  }
}
