package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.Set;

/**
 * A route action's timeouts, as Envoy applies them. With {@code max_stream_duration} set ("new timeouts") the
 * router has no timeout of its own and the stream is bounded by the max stream duration, or, when
 * {@code grpc_timeout_header_max} is set and the request has a {@code grpc-timeout} header, by that header
 * (capped by the max unless it is 0, then reduced by {@code grpc_timeout_header_offset}). Otherwise the
 * router's timeout is {@code timeout}, or for gRPC requests on a route with the deprecated
 * {@code max_grpc_timeout}, the {@code grpc-timeout} header (0: none) less {@code grpc_timeout_offset} when that
 * leaves something, capped by {@code max_grpc_timeout} unless that is 0. All values in milliseconds; -1 means
 * "not set".
 *
 * @param timeoutMillis {@code timeout} (15 s by default; 0 disables)
 * @param timeoutHeaderValue {@code timeoutMillis} formatted once, for {@code x-envoy-expected-rq-timeout-ms}
 * @param idleTimeoutMillis {@code idle_timeout}, -1 or 0 for none
 */
public record RouteTimeouts(long timeoutMillis, String timeoutHeaderValue, long idleTimeoutMillis,
    boolean usingNewTimeouts, long maxStreamDurationMillis, long grpcTimeoutHeaderMaxMillis,
    long grpcTimeoutHeaderOffsetMillis, long maxGrpcTimeoutMillis, long grpcTimeoutOffsetMillis) {
  /** Envoy's default route timeout. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 15_000;

  /** Only a route timeout. */
  public static RouteTimeouts of(long timeoutMillis) {
    return new RouteTimeouts(timeoutMillis, Long.toString(timeoutMillis), -1, false, -1, -1, -1, -1, -1);
  }

  static RouteTimeouts of(RouteAction a, String path) throws ConfigException {
    long timeout = a.hasTimeout() ? Durations.toMillis(a.getTimeout()) : DEFAULT_TIMEOUT_MILLIS;
    long idle = a.hasIdleTimeout() ? Durations.toMillis(a.getIdleTimeout()) : -1;
    long maxDuration = -1, headerMax = -1, headerOffset = -1;
    if (a.hasMaxStreamDuration()) {
      var m = a.getMaxStreamDuration();
      FieldSupport.check(m, path + ".max_stream_duration",
          Set.of("max_stream_duration", "grpc_timeout_header_max", "grpc_timeout_header_offset"));
      maxDuration = m.hasMaxStreamDuration() ? Durations.toMillis(m.getMaxStreamDuration()) : -1;
      headerMax = m.hasGrpcTimeoutHeaderMax() ? Durations.toMillis(m.getGrpcTimeoutHeaderMax()) : -1;
      headerOffset = m.hasGrpcTimeoutHeaderOffset() ? Durations.toMillis(m.getGrpcTimeoutHeaderOffset()) : -1;
    }
    long maxGrpc = a.hasMaxGrpcTimeout() ? Durations.toMillis(a.getMaxGrpcTimeout()) : -1;
    long grpcOffset = a.hasGrpcTimeoutOffset() ? Durations.toMillis(a.getGrpcTimeoutOffset()) : -1;
    return new RouteTimeouts(timeout, Long.toString(timeout), idle, a.hasMaxStreamDuration(), maxDuration,
        headerMax, headerOffset, maxGrpc, grpcOffset);
  }

  /** Whether computing the timeouts needs the request's {@code grpc-timeout} header. */
  public boolean readsGrpcTimeout() {
    return usingNewTimeouts ? grpcTimeoutHeaderMaxMillis >= 0 : maxGrpcTimeoutMillis >= 0;
  }

  /**
   * The router's timeout for this request (0: none).
   *
   * @param grpcHeaderMillis the parsed {@code grpc-timeout} header, -1 when absent or malformed
   */
  public long routerTimeout(boolean grpc, long grpcHeaderMillis) {
    if (usingNewTimeouts) {
      return 0;
    }
    if (!grpc || maxGrpcTimeoutMillis < 0) {
      return timeoutMillis;
    }
    long t = Math.max(grpcHeaderMillis, 0);
    if (grpcTimeoutOffsetMillis >= 0 && grpcTimeoutOffsetMillis < t) {
      t -= grpcTimeoutOffsetMillis;
    }
    if (maxGrpcTimeoutMillis != 0 && (t == 0 || t > maxGrpcTimeoutMillis)) {
      t = maxGrpcTimeoutMillis;
    }
    return t;
  }

  /** Whether the router rewrites {@code grpc-timeout} to its own timeout (the deprecated max_grpc_timeout). */
  public boolean rewritesGrpcTimeoutToRouterTimeout() {
    return !usingNewTimeouts && maxGrpcTimeoutMillis >= 0;
  }

  /**
   * The stream's maximum duration from its start, or -1 for none.
   *
   * @param grpcHeaderMillis the parsed {@code grpc-timeout} header, -1 when absent or malformed
   */
  public long streamDuration(long grpcHeaderMillis) {
    if (!usingNewTimeouts) {
      return -1;
    }
    if (grpcHeaderMillis < 0 || grpcTimeoutHeaderMaxMillis < 0) {
      return maxStreamDurationMillis > 0 ? maxStreamDurationMillis : -1;
    }
    long t = grpcHeaderMillis;
    if (grpcTimeoutHeaderMaxMillis != 0 && t > grpcTimeoutHeaderMaxMillis) {
      t = grpcTimeoutHeaderMaxMillis;
    }
    if (t != 0 && grpcTimeoutHeaderOffsetMillis >= 0) {
      t = grpcTimeoutHeaderOffsetMillis < t ? t - grpcTimeoutHeaderOffsetMillis : 0;
    }
    return t;
  }
}
