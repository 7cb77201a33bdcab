package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.RetryPolicy;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.JitteredBackoff;
import dev.javoy.proxy.upstream.ResourceLimits;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.WorkerClusterState;
import dev.javoy.proxy.upstream.lb.LbContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One stream's retries (Envoy's {@code RetryStateImpl}): the conditions and the budget (the policy's, extended
 * by the request's {@code x-envoy-retry-on}, {@code x-envoy-retry-grpc-on}, {@code x-envoy-max-retries},
 * {@code x-envoy-retriable-status-codes} and {@code x-envoy-retriable-header-names} whenever present: as in Envoy,
 * the connection manager has already removed them from every request that is not internal
 * ({@code hcm.InternalHeaders}), so what is left is trusted, including what a filter added), the request body kept
 * for replay (up to the buffer limit, then no more retries), the hosts already tried, the cluster's
 * {@code max_retries} slot and the back-off timer (the per-try timeout is the router's: it applies with or without
 * retries). Event loop thread only.
 */
final class RetryState {
  /** What Envoy's {@code shouldRetry} decided about an attempt. */
  private enum Decision {
    /** A retry is scheduled. */
    RETRY,
    /** The failure is not retriable (or retrying is no longer possible). */
    NO,
    /** Retriable but the retries are used up: the stream gets URX. */
    LIMIT_EXCEEDED,
    /** Retriable but the cluster's {@code max_retries} circuit breaker is open: the stream gets UO. */
    OVERFLOW
  }

  static final io.netty.util.AsciiString X_ENVOY_RETRY_ON = dev.javoy.proxy.http.h1.EnvoyHeaderNames.X_ENVOY_RETRY_ON;
  static final io.netty.util.AsciiString X_ENVOY_RETRY_GRPC_ON = dev.javoy.proxy.http.h1.EnvoyHeaderNames.X_ENVOY_RETRY_GRPC_ON;
  static final io.netty.util.AsciiString X_ENVOY_MAX_RETRIES = dev.javoy.proxy.http.h1.EnvoyHeaderNames.X_ENVOY_MAX_RETRIES;
  static final io.netty.util.AsciiString X_ENVOY_RETRIABLE_STATUS_CODES = dev.javoy.proxy.http.h1.EnvoyHeaderNames.X_ENVOY_RETRIABLE_STATUS_CODES;
  static final io.netty.util.AsciiString X_ENVOY_RETRIABLE_HEADER_NAMES = dev.javoy.proxy.http.h1.EnvoyHeaderNames.X_ENVOY_RETRIABLE_HEADER_NAMES;

  private final RetryPolicy policy;
  private final int retryOn;
  private final ClusterStats stats;
  private final ResourceLimits.Resource retries;
  private final long bufferLimit;
  private final JitteredBackoff backoff;
  private int remaining;
  private int[] extraCodes;
  private List<String> extraHeaders;
  private ArrayDeque<HttpContent> body = new ArrayDeque<>(4);
  private long bodyBytes;
  private boolean bufferOverflowed;
  private List<Host> triedHosts;
  private boolean holdsRetrySlot;
  private ScheduledFuture<?> timer;
  private EventLoop loop;
  private Runnable retry;
  private StreamInfo info;

  private RetryState(RetryPolicy policy, int retryOn, int numRetries, UpstreamCluster cluster, long bufferLimit) {
    this.policy = policy;
    this.retryOn = retryOn;
    this.remaining = numRetries;
    this.stats = cluster.stats();
    this.retries = cluster.resources().retries;
    this.bufferLimit = bufferLimit;
    this.backoff = new JitteredBackoff(policy.backoffBaseMillis(), policy.backoffMaxMillis());
  }

  /**
   * The stream's retry state, or null when it cannot retry (no policy, no conditions, or no retries).
   *
   * @param policy the route's or virtual host's policy, or null
   * @param bufferLimit the most request body bytes kept for replay
   * @param retry starts the next attempt, on {@code loop} after the back-off
   * @param info where URX (retries exhausted) and UO (retry circuit breaker open) are recorded
   */
  static RetryState create(RetryPolicy policy, HttpRequest req, UpstreamCluster cluster, long bufferLimit,
      EventLoop loop, Runnable retry, StreamInfo info) {
    HttpHeaders h = req.headers();
    if (policy == null && !h.contains(X_ENVOY_RETRY_ON) && !h.contains(X_ENVOY_RETRY_GRPC_ON)) {
      return null; // the usual case: two lookups and done
    }
    if (policy == null) {
      policy = new RetryPolicy(0, 1, 0, new int[0], List.of(), false, 1, RetryPolicy.DEFAULT_BACKOFF_BASE_MILLIS,
          RetryPolicy.DEFAULT_BACKOFF_BASE_MILLIS * 10);
    }
    int retryOn = policy.retryOn();
    int num = policy.numRetries();
    int[] codes = null;
    List<String> names = null;
    String v = h.get(X_ENVOY_RETRY_ON);
    if (v != null) {
      retryOn |= RetryPolicy.parseRetryOnHeader(v);
    }
    v = h.get(X_ENVOY_RETRY_GRPC_ON);
    if (v != null) {
      retryOn |= RetryPolicy.parseRetryOnHeader(v);
    }
    v = h.get(X_ENVOY_MAX_RETRIES);
    if (v != null) {
      try {
        num = Math.max(0, Integer.parseInt(v.trim()));
      } catch (NumberFormatException ignored) {
        // Envoy ignores a malformed value
      }
    }
    v = h.get(X_ENVOY_RETRIABLE_STATUS_CODES);
    if (v != null) {
      codes = parseCodes(v);
    }
    v = h.get(X_ENVOY_RETRIABLE_HEADER_NAMES);
    if (v != null) {
      names = new ArrayList<>();
      for (String n : v.split(",")) {
        if (!n.isBlank()) {
          names.add(n.trim());
        }
      }
    }
    if (retryOn == 0 || num <= 0) {
      return null;
    }
    RetryState s = new RetryState(policy, retryOn, num, cluster, bufferLimit);
    s.extraCodes = codes;
    s.extraHeaders = names;
    s.loop = loop;
    s.retry = retry;
    s.info = info;
    return s;
  }

  private static int[] parseCodes(String v) {
    String[] parts = v.split(",");
    int[] out = new int[parts.length];
    int n = 0;
    for (String p : parts) {
      try {
        out[n++] = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        n--;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** Whether a retry is still possible: the request body kept so far fits the buffer limit. */
  boolean canRetry() {
    return !bufferOverflowed;
  }

  /** Keeps a request body chunk for replay (a retained duplicate); past the buffer limit, gives up retrying. */
  void buffer(HttpContent c) {
    if (bufferOverflowed) {
      return;
    }
    bodyBytes += c.content().readableBytes();
    if (bodyBytes > bufferLimit) {
      bufferOverflowed = true;
      releaseBody();
      return;
    }
    body.add(c.retainedDuplicate());
  }

  /** The request body received so far, as fresh retained duplicates for a new attempt (null when none). */
  ArrayDeque<HttpContent> replay() {
    if (body.isEmpty()) {
      return null;
    }
    ArrayDeque<HttpContent> out = new ArrayDeque<>(body.size() + 2);
    for (HttpContent c : body) {
      out.add(c.retainedDuplicate());
    }
    return out;
  }

  /** Picks the next host, avoiding the hosts tried already with {@code previous_hosts}. */
  Host chooseHost(WorkerClusterState state, LbContext context) {
    Host h = state.chooseHost(context);
    if (policy.previousHosts() && triedHosts != null) {
      for (int i = 0; i < policy.hostSelectionMaxAttempts() && h != null && triedHosts.contains(h); i++) {
        h = state.chooseHost(LbContext.reselect(context, i + 1));
      }
    }
    return h;
  }

  /** Records the host an attempt went to. */
  void attempted(Host h) {
    if (policy.previousHosts()) {
      if (triedHosts == null) {
        triedHosts = new ArrayList<>(2);
      }
      triedHosts.add(h);
    }
  }

  // Each returns whether a retry is scheduled; if not, URX or UO is recorded when retrying was refused.

  boolean onConnectFailure() {
    return apply(decide(RetryPolicy.retriesConnectFailure(retryOn)));
  }

  boolean onReset(boolean refused) {
    return apply(decide(RetryPolicy.retriesReset(retryOn, refused)));
  }

  boolean onPerTryTimeout() {
    return apply(decide(RetryPolicy.retriesTimeout(retryOn)));
  }

  boolean onResponse(HttpResponse response) {
    return apply(decide(policy.retriesResponse(retryOn, response, extraCodes, extraHeaders)));
  }

  private boolean apply(Decision d) {
    switch (d) {
      case RETRY:
        return true;
      case LIMIT_EXCEEDED:
        info.setResponseFlag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED);
        return false;
      case OVERFLOW:
        info.setResponseFlag(ResponseFlag.UPSTREAM_OVERFLOW);
        return false;
      default:
        return false;
    }
  }

  /** Envoy's {@code shouldRetry}: budget, circuit breaker, stats, then the back-off timer. */
  private Decision decide(boolean retriable) {
    if (holdsRetrySlot) {
      if (!retriable) {
        stats.upstreamRqRetrySuccess.inc(); // the previous retry went through
      }
      holdsRetrySlot = false;
      retries.release();
    }
    if (!retriable || bufferOverflowed) {
      return Decision.NO;
    }
    if (remaining == 0) {
      stats.upstreamRqRetryLimitExceeded.inc();
      return Decision.LIMIT_EXCEEDED;
    }
    remaining--;
    if (!retries.tryAcquire()) {
      stats.upstreamRqRetryOverflow.inc();
      return Decision.OVERFLOW;
    }
    holdsRetrySlot = true;
    stats.upstreamRqRetry.inc();
    stats.upstreamRqRetryBackoffExponential.inc();
    timer = loop.schedule(() -> {
      timer = null;
      retry.run();
    }, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    return Decision.RETRY;
  }

  /** The stream is over: cancels a pending retry, frees the retry slot and the kept body. Idempotent. */
  void destroy() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (holdsRetrySlot) {
      holdsRetrySlot = false;
      retries.release();
    }
    releaseBody();
  }

  private void releaseBody() {
    HttpContent c;
    while ((c = body.pollFirst()) != null) {
      c.release();
    }
  }
}
