package dev.javoy.proxy.tcp;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code tcp.<stat_prefix>.*} stats of one tcp_proxy filter config. */
public final class TcpProxyStats {
  public final Counter downstreamCxTotal;
  public final Counter downstreamCxNoRoute;
  public final Counter downstreamCxTxBytesTotal;
  public final Gauge downstreamCxTxBytesBuffered;
  public final Counter downstreamCxRxBytesTotal;
  public final Gauge downstreamCxRxBytesBuffered;
  public final Counter downstreamFlowControlPausedReadingTotal;
  public final Counter downstreamFlowControlResumedReadingTotal;
  public final Counter idleTimeout;
  public final Counter maxDownstreamConnectionDuration;
  public final Counter upstreamFlushTotal;
  public final Gauge upstreamFlushActive;

  public TcpProxyStats(StatsScope scope) {
    downstreamCxTotal = scope.counter("downstream_cx_total");
    downstreamCxNoRoute = scope.counter("downstream_cx_no_route");
    downstreamCxTxBytesTotal = scope.counter("downstream_cx_tx_bytes_total");
    downstreamCxTxBytesBuffered = scope.gauge("downstream_cx_tx_bytes_buffered");
    downstreamCxRxBytesTotal = scope.counter("downstream_cx_rx_bytes_total");
    downstreamCxRxBytesBuffered = scope.gauge("downstream_cx_rx_bytes_buffered");
    downstreamFlowControlPausedReadingTotal = scope.counter("downstream_flow_control_paused_reading_total");
    downstreamFlowControlResumedReadingTotal = scope.counter("downstream_flow_control_resumed_reading_total");
    idleTimeout = scope.counter("idle_timeout");
    maxDownstreamConnectionDuration = scope.counter("max_downstream_connection_duration");
    upstreamFlushTotal = scope.counter("upstream_flush_total");
    upstreamFlushActive = scope.gauge("upstream_flush_active");
  }
}
