package dev.javoy.proxy.upstream;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatFamily;
import dev.javoy.proxy.stats.StatFamilySchema;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code cluster.<name>.*} stats, created once per cluster as one {@link StatFamily}. */
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
  /** Always 0: javoy does not limit connection pools ({@code max_connection_pools} is rejected). */
  public final Gauge cbCxPoolOpen;
  public final Gauge cbRqPendingOpen;
  public final Gauge cbRqOpen;
  public final Gauge cbRqRetryOpen;

  // The names of every cluster's stats, one schema for all clusters: a cluster's stats are one StatFamily in the
  // store (one slot range, no name strings). To add a stat: a constant here, a field, and its line in the
  // constructor.
  private static final StatFamilySchema.Builder SCHEMA_BUILDER = StatFamilySchema.builder();
  private static final int UPSTREAM_CX_TOTAL = SCHEMA_BUILDER.counter("upstream_cx_total");
  private static final int UPSTREAM_CX_ACTIVE = SCHEMA_BUILDER.gauge("upstream_cx_active");
  private static final int UPSTREAM_CX_HTTP1_TOTAL = SCHEMA_BUILDER.counter("upstream_cx_http1_total");
  private static final int UPSTREAM_CX_HTTP2_TOTAL = SCHEMA_BUILDER.counter("upstream_cx_http2_total");
  private static final int UPSTREAM_CX_CONNECT_FAIL = SCHEMA_BUILDER.counter("upstream_cx_connect_fail");
  private static final int UPSTREAM_CX_CONNECT_TIMEOUT = SCHEMA_BUILDER.counter("upstream_cx_connect_timeout");
  private static final int UPSTREAM_CX_DESTROY = SCHEMA_BUILDER.counter("upstream_cx_destroy");
  private static final int UPSTREAM_CX_DESTROY_LOCAL = SCHEMA_BUILDER.counter("upstream_cx_destroy_local");
  private static final int UPSTREAM_CX_DESTROY_REMOTE = SCHEMA_BUILDER.counter("upstream_cx_destroy_remote");
  private static final int UPSTREAM_CX_DESTROY_WITH_ACTIVE_RQ = SCHEMA_BUILDER.counter("upstream_cx_destroy_with_active_rq");
  private static final int UPSTREAM_CX_MAX_REQUESTS = SCHEMA_BUILDER.counter("upstream_cx_max_requests");
  private static final int UPSTREAM_CX_IDLE_TIMEOUT = SCHEMA_BUILDER.counter("upstream_cx_idle_timeout");
  private static final int UPSTREAM_CX_OVERFLOW = SCHEMA_BUILDER.counter("upstream_cx_overflow");
  private static final int UPSTREAM_CX_NONE_HEALTHY = SCHEMA_BUILDER.counter("upstream_cx_none_healthy");
  private static final int UPSTREAM_CX_RX_BYTES_TOTAL = SCHEMA_BUILDER.counter("upstream_cx_rx_bytes_total");
  private static final int UPSTREAM_CX_TX_BYTES_TOTAL = SCHEMA_BUILDER.counter("upstream_cx_tx_bytes_total");
  private static final int UPSTREAM_CX_CONNECT_MS = SCHEMA_BUILDER.histogram("upstream_cx_connect_ms", Histogram.Unit.MILLISECONDS);
  private static final int UPSTREAM_CX_LENGTH_MS = SCHEMA_BUILDER.histogram("upstream_cx_length_ms", Histogram.Unit.MILLISECONDS);
  private static final int UPSTREAM_RQ_TOTAL = SCHEMA_BUILDER.counter("upstream_rq_total");
  private static final int UPSTREAM_RQ_ACTIVE = SCHEMA_BUILDER.gauge("upstream_rq_active");
  private static final int UPSTREAM_RQ_COMPLETED = SCHEMA_BUILDER.counter("upstream_rq_completed");
  private static final int UPSTREAM_RQ_PENDING_TOTAL = SCHEMA_BUILDER.counter("upstream_rq_pending_total");
  private static final int UPSTREAM_RQ_PENDING_ACTIVE = SCHEMA_BUILDER.gauge("upstream_rq_pending_active");
  private static final int UPSTREAM_RQ_PENDING_OVERFLOW = SCHEMA_BUILDER.counter("upstream_rq_pending_overflow");
  private static final int UPSTREAM_RQ_PENDING_FAILURE_EJECT = SCHEMA_BUILDER.counter("upstream_rq_pending_failure_eject");
  private static final int UPSTREAM_RQ_TIMEOUT = SCHEMA_BUILDER.counter("upstream_rq_timeout");
  private static final int UPSTREAM_RQ_RX_RESET = SCHEMA_BUILDER.counter("upstream_rq_rx_reset");
  private static final int UPSTREAM_RQ_TX_RESET = SCHEMA_BUILDER.counter("upstream_rq_tx_reset");
  private static final int UPSTREAM_RQ_TIME = SCHEMA_BUILDER.histogram("upstream_rq_time", Histogram.Unit.MILLISECONDS);
  private static final int UPSTREAM_RQ_PER_TRY_TIMEOUT = SCHEMA_BUILDER.counter("upstream_rq_per_try_timeout");
  private static final int UPSTREAM_RQ_RETRY = SCHEMA_BUILDER.counter("upstream_rq_retry");
  private static final int UPSTREAM_RQ_RETRY_SUCCESS = SCHEMA_BUILDER.counter("upstream_rq_retry_success");
  private static final int UPSTREAM_RQ_RETRY_OVERFLOW = SCHEMA_BUILDER.counter("upstream_rq_retry_overflow");
  private static final int UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED = SCHEMA_BUILDER.counter("upstream_rq_retry_limit_exceeded");
  private static final int UPSTREAM_RQ_RETRY_BACKOFF_EXPONENTIAL = SCHEMA_BUILDER.counter("upstream_rq_retry_backoff_exponential");
  private static final int MEMBERSHIP_TOTAL = SCHEMA_BUILDER.gauge("membership_total");
  private static final int MEMBERSHIP_HEALTHY = SCHEMA_BUILDER.gauge("membership_healthy");
  private static final int MEMBERSHIP_DEGRADED = SCHEMA_BUILDER.gauge("membership_degraded");
  private static final int MEMBERSHIP_CHANGE = SCHEMA_BUILDER.counter("membership_change");
  private static final int UPDATE_ATTEMPT = SCHEMA_BUILDER.counter("update_attempt");
  private static final int UPDATE_SUCCESS = SCHEMA_BUILDER.counter("update_success");
  private static final int UPDATE_FAILURE = SCHEMA_BUILDER.counter("update_failure");
  private static final int UPDATE_EMPTY = SCHEMA_BUILDER.counter("update_empty");
  private static final int UPDATE_NO_REBUILD = SCHEMA_BUILDER.counter("update_no_rebuild");
  private static final int LB_HEALTHY_PANIC = SCHEMA_BUILDER.counter("lb_healthy_panic");
  private static final int MAX_HOST_WEIGHT = SCHEMA_BUILDER.gauge("max_host_weight");
  private static final int CB_CX_OPEN = SCHEMA_BUILDER.gauge("circuit_breakers.default.cx_open");
  private static final int CB_CX_POOL_OPEN = SCHEMA_BUILDER.gauge("circuit_breakers.default.cx_pool_open");
  private static final int CB_RQ_PENDING_OPEN = SCHEMA_BUILDER.gauge("circuit_breakers.default.rq_pending_open");
  private static final int CB_RQ_OPEN = SCHEMA_BUILDER.gauge("circuit_breakers.default.rq_open");
  private static final int CB_RQ_RETRY_OPEN = SCHEMA_BUILDER.gauge("circuit_breakers.default.rq_retry_open");
  private static final StatFamilySchema SCHEMA = SCHEMA_BUILDER.build();

  // Created on the first response (2.4 KB per cluster otherwise); a race between workers only loses a cache entry.
  private Counter[] byCode;
  private Counter[] byClass;
  private final StatsScope scope;

  public ClusterStats(StatsScope scope) {
    this.scope = scope;
    StatFamily family = scope.family(SCHEMA);
    upstreamCxTotal = family.counter(UPSTREAM_CX_TOTAL);
    upstreamCxActive = family.gauge(UPSTREAM_CX_ACTIVE);
    upstreamCxHttp1Total = family.counter(UPSTREAM_CX_HTTP1_TOTAL);
    upstreamCxHttp2Total = family.counter(UPSTREAM_CX_HTTP2_TOTAL);
    upstreamCxConnectFail = family.counter(UPSTREAM_CX_CONNECT_FAIL);
    upstreamCxConnectTimeout = family.counter(UPSTREAM_CX_CONNECT_TIMEOUT);
    upstreamCxDestroy = family.counter(UPSTREAM_CX_DESTROY);
    upstreamCxDestroyLocal = family.counter(UPSTREAM_CX_DESTROY_LOCAL);
    upstreamCxDestroyRemote = family.counter(UPSTREAM_CX_DESTROY_REMOTE);
    upstreamCxDestroyWithActiveRq = family.counter(UPSTREAM_CX_DESTROY_WITH_ACTIVE_RQ);
    upstreamCxMaxRequests = family.counter(UPSTREAM_CX_MAX_REQUESTS);
    upstreamCxIdleTimeout = family.counter(UPSTREAM_CX_IDLE_TIMEOUT);
    upstreamCxOverflow = family.counter(UPSTREAM_CX_OVERFLOW);
    upstreamCxNoneHealthy = family.counter(UPSTREAM_CX_NONE_HEALTHY);
    upstreamCxRxBytesTotal = family.counter(UPSTREAM_CX_RX_BYTES_TOTAL);
    upstreamCxTxBytesTotal = family.counter(UPSTREAM_CX_TX_BYTES_TOTAL);
    upstreamCxConnectMs = family.histogram(UPSTREAM_CX_CONNECT_MS);
    upstreamCxLengthMs = family.histogram(UPSTREAM_CX_LENGTH_MS);
    upstreamRqTotal = family.counter(UPSTREAM_RQ_TOTAL);
    upstreamRqActive = family.gauge(UPSTREAM_RQ_ACTIVE);
    upstreamRqCompleted = family.counter(UPSTREAM_RQ_COMPLETED);
    upstreamRqPendingTotal = family.counter(UPSTREAM_RQ_PENDING_TOTAL);
    upstreamRqPendingActive = family.gauge(UPSTREAM_RQ_PENDING_ACTIVE);
    upstreamRqPendingOverflow = family.counter(UPSTREAM_RQ_PENDING_OVERFLOW);
    upstreamRqPendingFailureEject = family.counter(UPSTREAM_RQ_PENDING_FAILURE_EJECT);
    upstreamRqTimeout = family.counter(UPSTREAM_RQ_TIMEOUT);
    upstreamRqRxReset = family.counter(UPSTREAM_RQ_RX_RESET);
    upstreamRqTxReset = family.counter(UPSTREAM_RQ_TX_RESET);
    upstreamRqTime = family.histogram(UPSTREAM_RQ_TIME);
    upstreamRqPerTryTimeout = family.counter(UPSTREAM_RQ_PER_TRY_TIMEOUT);
    upstreamRqRetry = family.counter(UPSTREAM_RQ_RETRY);
    upstreamRqRetrySuccess = family.counter(UPSTREAM_RQ_RETRY_SUCCESS);
    upstreamRqRetryOverflow = family.counter(UPSTREAM_RQ_RETRY_OVERFLOW);
    upstreamRqRetryLimitExceeded = family.counter(UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED);
    upstreamRqRetryBackoffExponential = family.counter(UPSTREAM_RQ_RETRY_BACKOFF_EXPONENTIAL);
    membershipTotal = family.gauge(MEMBERSHIP_TOTAL);
    membershipHealthy = family.gauge(MEMBERSHIP_HEALTHY);
    membershipDegraded = family.gauge(MEMBERSHIP_DEGRADED);
    membershipChange = family.counter(MEMBERSHIP_CHANGE);
    updateAttempt = family.counter(UPDATE_ATTEMPT);
    updateSuccess = family.counter(UPDATE_SUCCESS);
    updateFailure = family.counter(UPDATE_FAILURE);
    updateEmpty = family.counter(UPDATE_EMPTY);
    updateNoRebuild = family.counter(UPDATE_NO_REBUILD);
    lbHealthyPanic = family.counter(LB_HEALTHY_PANIC);
    maxHostWeight = family.gauge(MAX_HOST_WEIGHT);
    cbCxOpen = family.gauge(CB_CX_OPEN);
    cbCxPoolOpen = family.gauge(CB_CX_POOL_OPEN);
    cbRqPendingOpen = family.gauge(CB_RQ_PENDING_OPEN);
    cbRqOpen = family.gauge(CB_RQ_OPEN);
    cbRqRetryOpen = family.gauge(CB_RQ_RETRY_OPEN);
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
    Counter[] codes = byCode;
    Counter[] classes = byClass;
    if (codes == null || classes == null) {
      codes = byCode = new Counter[600];
      classes = byClass = new Counter[6];
    }
    Counter c = codes[code];
    if (c == null) {
      c = scope.counter("upstream_rq_" + code);
      codes[code] = c;
    }
    c.inc();
    int cls = code / 100;
    Counter k = classes[cls];
    if (k == null) {
      k = scope.counter("upstream_rq_" + cls + "xx");
      classes[cls] = k;
    }
    k.inc();
  }
}
