package dev.javoy.proxy.upstream;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code cluster.<name>.*} stats, created once per cluster. */
public final class ClusterStats {
  public final Counter upstreamCxTotal;
  public final Gauge upstreamCxActive;
  public final Counter upstreamCxHttp1Total;
  public final Counter upstreamCxHttp2Total;
  public final Counter upstreamCxConnectFail;
  public final Counter upstreamCxConnectTimeout;
  public final Counter upstreamCxDestroy;
  public final Counter upstreamCxDestroyLocal;
  public final Counter upstreamCxDestroyRemote;
  public final Counter upstreamCxDestroyWithActiveRq;
  public final Counter upstreamCxMaxRequests;
  public final Counter upstreamCxIdleTimeout;
  public final Counter upstreamCxOverflow;
  public final Counter upstreamCxNoneHealthy;
  public final Counter upstreamCxRxBytesTotal;
  public final Counter upstreamCxTxBytesTotal;
  public final Histogram upstreamCxConnectMs;
  public final Histogram upstreamCxLengthMs;
  public final Counter upstreamRqTotal;
  public final Gauge upstreamRqActive;
  public final Counter upstreamRqCompleted;
  public final Counter upstreamRqPendingTotal;
  public final Gauge upstreamRqPendingActive;
  public final Counter upstreamRqPendingOverflow;
  public final Counter upstreamRqPendingFailureEject;
  public final Counter upstreamRqTimeout;
  public final Counter upstreamRqRxReset;
  public final Counter upstreamRqTxReset;
  public final Histogram upstreamRqTime;
  public final Counter upstreamRqPerTryTimeout;
  public final Counter upstreamRqRetry;
  public final Counter upstreamRqRetrySuccess;
  public final Counter upstreamRqRetryOverflow;
  public final Counter upstreamRqRetryLimitExceeded;
  public final Counter upstreamRqRetryBackoffExponential;
  public final Gauge membershipTotal;
  public final Gauge membershipHealthy;
  public final Gauge membershipDegraded;
  public final Counter membershipChange;
  public final Counter updateAttempt;
  public final Counter updateSuccess;
  public final Counter updateFailure;
  public final Counter updateEmpty;
  public final Counter updateNoRebuild;
  public final Counter lbHealthyPanic;
  public final Gauge maxHostWeight;
  public final Gauge cbCxOpen;
  public final Gauge cbRqPendingOpen;
  public final Gauge cbRqOpen;
  public final Gauge cbRqRetryOpen;

  private final Counter[] byCode = new Counter[600];
  private final Counter[] byClass = new Counter[6];
  private final StatsScope scope;

  public ClusterStats(StatsScope scope) {
    this.scope = scope;
    upstreamCxTotal = scope.counter("upstream_cx_total");
    upstreamCxActive = scope.gauge("upstream_cx_active");
    upstreamCxHttp1Total = scope.counter("upstream_cx_http1_total");
    upstreamCxHttp2Total = scope.counter("upstream_cx_http2_total");
    upstreamCxConnectFail = scope.counter("upstream_cx_connect_fail");
    upstreamCxConnectTimeout = scope.counter("upstream_cx_connect_timeout");
    upstreamCxDestroy = scope.counter("upstream_cx_destroy");
    upstreamCxDestroyLocal = scope.counter("upstream_cx_destroy_local");
    upstreamCxDestroyRemote = scope.counter("upstream_cx_destroy_remote");
    upstreamCxDestroyWithActiveRq = scope.counter("upstream_cx_destroy_with_active_rq");
    upstreamCxMaxRequests = scope.counter("upstream_cx_max_requests");
    upstreamCxIdleTimeout = scope.counter("upstream_cx_idle_timeout");
    upstreamCxOverflow = scope.counter("upstream_cx_overflow");
    upstreamCxNoneHealthy = scope.counter("upstream_cx_none_healthy");
    upstreamCxRxBytesTotal = scope.counter("upstream_cx_rx_bytes_total");
    upstreamCxTxBytesTotal = scope.counter("upstream_cx_tx_bytes_total");
    upstreamCxConnectMs = scope.histogram("upstream_cx_connect_ms", Histogram.Unit.MILLISECONDS);
    upstreamCxLengthMs = scope.histogram("upstream_cx_length_ms", Histogram.Unit.MILLISECONDS);
    upstreamRqTotal = scope.counter("upstream_rq_total");
    upstreamRqActive = scope.gauge("upstream_rq_active");
    upstreamRqCompleted = scope.counter("upstream_rq_completed");
    upstreamRqPendingTotal = scope.counter("upstream_rq_pending_total");
    upstreamRqPendingActive = scope.gauge("upstream_rq_pending_active");
    upstreamRqPendingOverflow = scope.counter("upstream_rq_pending_overflow");
    upstreamRqPendingFailureEject = scope.counter("upstream_rq_pending_failure_eject");
    upstreamRqTimeout = scope.counter("upstream_rq_timeout");
    upstreamRqRxReset = scope.counter("upstream_rq_rx_reset");
    upstreamRqTxReset = scope.counter("upstream_rq_tx_reset");
    upstreamRqTime = scope.histogram("upstream_rq_time", Histogram.Unit.MILLISECONDS);
    upstreamRqPerTryTimeout = scope.counter("upstream_rq_per_try_timeout");
    upstreamRqRetry = scope.counter("upstream_rq_retry");
    upstreamRqRetrySuccess = scope.counter("upstream_rq_retry_success");
    upstreamRqRetryOverflow = scope.counter("upstream_rq_retry_overflow");
    upstreamRqRetryLimitExceeded = scope.counter("upstream_rq_retry_limit_exceeded");
    upstreamRqRetryBackoffExponential = scope.counter("upstream_rq_retry_backoff_exponential");
    membershipTotal = scope.gauge("membership_total");
    membershipHealthy = scope.gauge("membership_healthy");
    membershipDegraded = scope.gauge("membership_degraded");
    membershipChange = scope.counter("membership_change");
    updateAttempt = scope.counter("update_attempt");
    updateSuccess = scope.counter("update_success");
    updateFailure = scope.counter("update_failure");
    updateEmpty = scope.counter("update_empty");
    updateNoRebuild = scope.counter("update_no_rebuild");
    lbHealthyPanic = scope.counter("lb_healthy_panic");
    maxHostWeight = scope.gauge("max_host_weight");
    cbCxOpen = scope.gauge("circuit_breakers.default.cx_open");
    cbRqPendingOpen = scope.gauge("circuit_breakers.default.rq_pending_open");
    cbRqOpen = scope.gauge("circuit_breakers.default.rq_open");
    cbRqRetryOpen = scope.gauge("circuit_breakers.default.rq_retry_open");
  }

  /** The cluster's scope, {@code cluster.<name>.} (HTTP/2 connections add {@code http2.*} under it). */
  public StatsScope scope() {
    return scope;
  }

  /**
   * Counts a response: {@code upstream_rq_<code>} and {@code upstream_rq_<N>xx}. The counters are created on
   * first use of a code (the main thread's map is lock-free on lookup), then cached in the array.
   */
  public void countResponse(int code) {
    if (code < 100 || code >= 600) {
      return;
    }
    Counter c = byCode[code];
    if (c == null) {
      c = scope.counter("upstream_rq_" + code);
      byCode[code] = c;
    }
    c.inc();
    int cls = code / 100;
    Counter k = byClass[cls];
    if (k == null) {
      k = scope.counter("upstream_rq_" + cls + "xx");
      byClass[cls] = k;
    }
    k.inc();
  }
}
