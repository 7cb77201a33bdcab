package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.GrpcRequests;
import dev.javoy.proxy.http.route.GrpcTimeout;
import dev.javoy.proxy.http.route.RouteTimeouts;
import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * The timeouts of one request, from its route's {@link RouteTimeouts} and its {@code grpc-timeout} header, and, as
 * Envoy's {@code FilterUtility::finalTimeout}, its {@code x-envoy-upstream-rq-timeout-ms} (the router timeout) and
 * {@code x-envoy-upstream-rq-per-try-timeout-ms} (the per-try timeout of every attempt, the first one included, with
 * or without a retry state: {@link #applyRetryPolicy}), and {@code x-envoy-upstream-rq-timeout-alt-response} (a timeout
 * answers 204), which are consumed (removed from the request) as Envoy's router does. The connection
 * manager already removed the three from every request that is not internal ({@code hcm.InternalHeaders}), so what
 * is left is honoured. A {@link RouterFilter} keeps one and fills it per request ({@link #compute}), so it costs
 * nothing per request; a request without any of the three costs one test of the header map's name summary.
 */
final class RequestTimeouts {
  static final AsciiString X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS = EnvoyHeaderNames.X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS;
  static final AsciiString X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS =
      EnvoyHeaderNames.X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS;
  static final AsciiString X_ENVOY_UPSTREAM_RQ_TIMEOUT_ALT_RESPONSE =
      AsciiString.cached("x-envoy-upstream-rq-timeout-alt-response");
  private static final int TIMEOUT_HEADER_BITS = HeaderNameSummary.bitOf(X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS)
      | HeaderNameSummary.bitOf(X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS)
      | HeaderNameSummary.bitOf(X_ENVOY_UPSTREAM_RQ_TIMEOUT_ALT_RESPONSE);
  /** {@code x-envoy-upstream-rq-timeout-alt-response} came (with any value): a timeout answers 204, not 504. */
  private boolean altResponse;

  private long routerMillis;
  /** {@code x-envoy-upstream-rq-per-try-timeout-ms}, or -1 when the request had none (or a malformed one). */
  private long perTryHeaderMillis = -1;
  /** The attempts' final per-try timeout (0: none), {@link #applyRetryPolicy}'s. */
  private long perTryMillis;
  private long streamDurationMillis = -1;
  private long idleMillis;
  private boolean grpc;

  static RequestTimeouts of(RouteTimeouts t, HttpRequest request) {
    RequestTimeouts r = new RequestTimeouts();
    r.compute(t, request);
    return r;
  }

  void compute(RouteTimeouts t, HttpRequest request) {
    grpc = GrpcRequests.isGrpc(request);
    long header = t.readsGrpcTimeout() ? GrpcTimeout.parseMillis(request.headers().get(GrpcTimeout.HEADER)) : -1;
    routerMillis = t.routerTimeout(grpc, header);
    streamDurationMillis = t.streamDuration(header);
    idleMillis = t.idleTimeoutMillis();
    perTryHeaderMillis = -1;
    perTryMillis = 0;
    altResponse = false;
    HttpHeaders h = request.headers();
    if (h instanceof FlatHttpHeaders f && (f.nameSummary() & TIMEOUT_HEADER_BITS) == 0) {
      return; // the usual request: none of the three
    }
    String v = h.get(X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS);
    if (v != null) {
      long ms = parseMillis(v);
      if (ms >= 0) {
        routerMillis = ms; // 0: no timeout, as a route's 0s
      }
      h.remove(X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS);
    }
    v = h.get(X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS);
    if (v != null) {
      perTryHeaderMillis = parseMillis(v);
      h.remove(X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS);
    }
    perTryMillis = perTryMillis(0);
    if (h.contains(X_ENVOY_UPSTREAM_RQ_TIMEOUT_ALT_RESPONSE)) {
      altResponse = true;
      h.remove(X_ENVOY_UPSTREAM_RQ_TIMEOUT_ALT_RESPONSE);
    }
  }

  /** The status of the router's timeout replies: 504, or 204 with {@code x-envoy-upstream-rq-timeout-alt-response}. */
  int timeoutResponseCode() {
    return altResponse ? 204 : 504;
  }

  /** The body of the router's timeout replies: Envoy's text for a 504, none for a 204. */
  String timeoutResponseBody() {
    return altResponse ? "" : "upstream request timeout";
  }

  /** Envoy's {@code absl::SimpleAtoi} into a uint64: digits with optional surrounding blanks and a '+'; else -1. */
  static long parseMillis(String v) {
    String s = v.strip();
    if (s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * The per-try timeout of this request's attempts (0: none): the header's, else {@code policyMillis} (the retry
   * policy's {@code per_try_timeout}); none when not below a set router timeout (Envoy's {@code finalTimeout}).
   */
  long perTryMillis(long policyMillis) {
    long t = perTryHeaderMillis >= 0 ? perTryHeaderMillis : policyMillis;
    return routerMillis != 0 && t >= routerMillis ? 0 : t;
  }

  /**
   * Settles the attempts' per-try timeout with the stream's retry policy's {@code per_try_timeout} ({@code policyMillis},
   * 0 for none or no policy) and returns it: Envoy times every attempt with it, the first one too, whether or not the
   * request can be retried.
   */
  long applyRetryPolicy(long policyMillis) {
    perTryMillis = perTryMillis(policyMillis);
    return perTryMillis;
  }

  /**
   * What {@code x-envoy-expected-rq-timeout-ms} (and, with {@code max_grpc_timeout}, {@code grpc-timeout}) tells the
   * upstream (0: nothing), Envoy's {@code setTimeoutHeaders}: the per-try timeout when there is one (javoy has no
   * hedging, which would use the global one), else the router timeout; never more than the router timeout less
   * {@code elapsedMillis} (the time since the downstream request ended, for a retry; at least 1 once it is used up).
   */
  long expectedTimeoutMillis(long elapsedMillis) {
    long expected = perTryMillis != 0 ? perTryMillis : routerMillis;
    if (expected > 0 && routerMillis > 0) {
      expected = elapsedMillis >= routerMillis ? 1 : Math.min(expected, routerMillis - elapsedMillis);
    }
    return expected;
  }

  /** The router's timeout from the end of the request (0: none). */
  long routerMillis() {
    return routerMillis;
  }

  /** The stream's maximum duration from its start (-1: none). */
  long streamDurationMillis() {
    return streamDurationMillis;
  }

  /** The route's stream idle timeout (0 or less: none). */
  long idleMillis() {
    return idleMillis;
  }

  /** Whether the request is gRPC. */
  boolean grpc() {
    return grpc;
  }
}
