package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code http.<stat_prefix>.*} connection manager stats. */
public final class HcmStats {
  public final Counter downstreamCxTotal;
  public final Gauge downstreamCxActive;
  public final Counter downstreamCxHttp1Total;
  public final Gauge downstreamCxHttp1Active;
  public final Counter downstreamCxHttp2Total;
  public final Gauge downstreamCxHttp2Active;
  public final Counter downstreamCxDestroy;
  public final Counter downstreamCxDestroyRemote;
  public final Counter downstreamCxDestroyLocal;
  public final Counter downstreamCxDestroyActiveRq;
  public final Counter downstreamCxProtocolError;
  public final Counter downstreamCxIdleTimeout;
  public final Counter downstreamCxDrainClose;
  public final Counter downstreamCxMaxDurationReached;
  public final Counter downstreamCxDelayedCloseTimeout;
  public final Counter downstreamCxUpgradesTotal;
  public final Gauge downstreamCxUpgradesActive;
  public final Counter downstreamCxRxBytesTotal;
  public final Counter downstreamCxTxBytesTotal;
  public final Histogram downstreamCxLengthMs;
  public final Counter downstreamRqTotal;
  public final Counter downstreamRqHttp1Total;
  public final Counter downstreamRqHttp2Total;
  public final Counter downstreamRqTooManyPrematureResets;
  public final Gauge downstreamRqActive;
  public final Counter downstreamRqCompleted;
  public final Counter downstreamRqRxReset;
  public final Counter downstreamRqTxReset;
  public final Counter downstreamRqTooLarge;
  public final Counter downstreamRqHeaderTimeout;
  public final Counter downstreamRqTimeout;
  public final Counter downstreamRqIdleTimeout;
  public final Counter downstreamRqNonRelativePath;
  public final Counter downstreamRqFailedPathNormalization;
  public final Counter downstreamRqRedirectedWithNormalizedPath;
  public final Histogram downstreamRqTime;
  private final Counter[] byClass = new Counter[6];

  public HcmStats(StatsScope http) {
    downstreamCxTotal = http.counter("downstream_cx_total");
    downstreamCxActive = http.gauge("downstream_cx_active");
    downstreamCxHttp1Total = http.counter("downstream_cx_http1_total");
    downstreamCxHttp1Active = http.gauge("downstream_cx_http1_active");
    downstreamCxHttp2Total = http.counter("downstream_cx_http2_total");
    downstreamCxHttp2Active = http.gauge("downstream_cx_http2_active");
    downstreamCxDestroy = http.counter("downstream_cx_destroy");
    downstreamCxDestroyRemote = http.counter("downstream_cx_destroy_remote");
    downstreamCxDestroyLocal = http.counter("downstream_cx_destroy_local");
    downstreamCxDestroyActiveRq = http.counter("downstream_cx_destroy_active_rq");
    downstreamCxProtocolError = http.counter("downstream_cx_protocol_error");
    downstreamCxIdleTimeout = http.counter("downstream_cx_idle_timeout");
    downstreamCxDrainClose = http.counter("downstream_cx_drain_close");
    downstreamCxMaxDurationReached = http.counter("downstream_cx_max_duration_reached");
    downstreamCxDelayedCloseTimeout = http.counter("downstream_cx_delayed_close_timeout");
    downstreamCxUpgradesTotal = http.counter("downstream_cx_upgrades_total");
    downstreamCxUpgradesActive = http.gauge("downstream_cx_upgrades_active");
    downstreamCxRxBytesTotal = http.counter("downstream_cx_rx_bytes_total");
    downstreamCxTxBytesTotal = http.counter("downstream_cx_tx_bytes_total");
    downstreamCxLengthMs = http.histogram("downstream_cx_length_ms", Histogram.Unit.MILLISECONDS);
    downstreamRqTotal = http.counter("downstream_rq_total");
    downstreamRqHttp1Total = http.counter("downstream_rq_http1_total");
    downstreamRqHttp2Total = http.counter("downstream_rq_http2_total");
    downstreamRqTooManyPrematureResets = http.counter("downstream_rq_too_many_premature_resets");
    downstreamRqActive = http.gauge("downstream_rq_active");
    downstreamRqCompleted = http.counter("downstream_rq_completed");
    downstreamRqRxReset = http.counter("downstream_rq_rx_reset");
    downstreamRqTxReset = http.counter("downstream_rq_tx_reset");
    downstreamRqTooLarge = http.counter("downstream_rq_too_large");
    downstreamRqHeaderTimeout = http.counter("downstream_rq_header_timeout");
    downstreamRqTimeout = http.counter("downstream_rq_timeout");
    downstreamRqIdleTimeout = http.counter("downstream_rq_idle_timeout");
    downstreamRqNonRelativePath = http.counter("downstream_rq_non_relative_path");
    downstreamRqFailedPathNormalization = http.counter("downstream_rq_failed_path_normalization");
    downstreamRqRedirectedWithNormalizedPath = http.counter("downstream_rq_redirected_with_normalized_path");
    downstreamRqTime = http.histogram("downstream_rq_time", Histogram.Unit.MILLISECONDS);
    for (int i = 1; i <= 5; i++) {
      byClass[i] = http.counter("downstream_rq_" + i + "xx");
    }
  }

  public void countResponse(int code) {
    int cls = code / 100;
    if (cls >= 1 && cls <= 5) {
      byClass[cls].inc();
    }
  }
}
