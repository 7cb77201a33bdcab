package dev.javoy.proxy.xds;

import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.xds.XdsStatsListener;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sds.<secret name>.control_plane.connected_state} of the secrets fetched over one SDS
 * {@code api_config_source} client: Envoy gives each SDS subscription its own gRPC mux whose control-plane stats live
 * in the secret's {@code sds.<name>.} scope; javoy shares one client per config source, so every secret subscribed
 * over it reports that client's connection (1 connected, 0 not). Main thread.
 */
final class SdsConnectedState implements XdsStatsListener {
  private final StatsStore stats;
  private final Map<String, Gauge> gauges = new LinkedHashMap<>();
  private boolean connected;

  SdsConnectedState(StatsStore stats) {
    this.stats = stats;
  }

  /** A secret subscribed over this client: its gauge shows the client's state from now on. */
  void track(String secretName) {
    Gauge g = gauges.computeIfAbsent(secretName,
        n -> stats.gauge("sds." + n + ".control_plane.connected_state", Gauge.ImportMode.NEVER_IMPORT));
    g.set(connected ? 1 : 0);
  }

  @Override
  public void onConnectedStateChanged(boolean up) {
    connected = up;
    for (Gauge g : gauges.values()) {
      g.set(up ? 1 : 0);
    }
  }
}
