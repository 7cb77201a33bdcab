package dev.javoy.proxy.http.h1;

import io.netty.util.AsciiString;

/**
 * The lower-case names of the headers Envoy itself reads and writes ({@code x-request-id}, {@code x-forwarded-*},
 * {@code x-envoy-*}: Envoy's {@code Http::Headers}), interned as Netty's {@code HttpHeaderNames} are: the HTTP/1.1
 * decoders hand out these very instances for them ({@link HeaderNames#wellKnown}), so a lookup by one of them is an
 * identity compare, and {@link FlatHttpHeaders} adds them without lower-casing or validating them.
 */
public final class EnvoyHeaderNames {
  public static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  public static final AsciiString X_FORWARDED_CLIENT_CERT = AsciiString.cached("x-forwarded-client-cert");
  public static final AsciiString X_CLIENT_TRACE_ID = AsciiString.cached("x-client-trace-id");
  public static final AsciiString X_ENVOY_EXTERNAL_ADDRESS = AsciiString.cached("x-envoy-external-address");
  public static final AsciiString X_ENVOY_INTERNAL = AsciiString.cached("x-envoy-internal");
  public static final AsciiString X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER =
      AsciiString.cached("x-envoy-downstream-service-cluster");
  public static final AsciiString X_ENVOY_FORCE_TRACE = AsciiString.cached("x-envoy-force-trace");
  public static final AsciiString X_ENVOY_DECORATOR_OPERATION = AsciiString.cached("x-envoy-decorator-operation");
  public static final AsciiString X_ENVOY_EXPECTED_RQ_TIMEOUT_MS = AsciiString.cached("x-envoy-expected-rq-timeout-ms");
  public static final AsciiString X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS = AsciiString.cached("x-envoy-upstream-rq-timeout-ms");
  public static final AsciiString X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS =
      AsciiString.cached("x-envoy-upstream-rq-per-try-timeout-ms");
  public static final AsciiString X_ENVOY_UPSTREAM_SERVICE_TIME = AsciiString.cached("x-envoy-upstream-service-time");
  public static final AsciiString X_ENVOY_ATTEMPT_COUNT = AsciiString.cached("x-envoy-attempt-count");
  public static final AsciiString X_ENVOY_ORIGINAL_PATH = AsciiString.cached("x-envoy-original-path");
  public static final AsciiString X_ENVOY_RETRY_ON = AsciiString.cached("x-envoy-retry-on");
  public static final AsciiString X_ENVOY_RETRY_GRPC_ON = AsciiString.cached("x-envoy-retry-grpc-on");
  public static final AsciiString X_ENVOY_MAX_RETRIES = AsciiString.cached("x-envoy-max-retries");
  public static final AsciiString X_ENVOY_RETRIABLE_STATUS_CODES = AsciiString.cached("x-envoy-retriable-status-codes");
  public static final AsciiString X_ENVOY_RETRIABLE_HEADER_NAMES = AsciiString.cached("x-envoy-retriable-header-names");
  public static final AsciiString X_ENVOY_IMMEDIATE_HEALTH_CHECK_FAIL =
      AsciiString.cached("x-envoy-immediate-health-check-fail");
  public static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
  public static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");

  /** Every constant above (for {@link HeaderNames}' tables). */
  static final AsciiString[] ALL = {
    X_REQUEST_ID, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, X_FORWARDED_CLIENT_CERT, X_CLIENT_TRACE_ID,
    X_ENVOY_EXTERNAL_ADDRESS, X_ENVOY_INTERNAL, X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER, X_ENVOY_FORCE_TRACE,
    X_ENVOY_DECORATOR_OPERATION, X_ENVOY_EXPECTED_RQ_TIMEOUT_MS, X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS,
    X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS, X_ENVOY_UPSTREAM_SERVICE_TIME, X_ENVOY_ATTEMPT_COUNT,
    X_ENVOY_ORIGINAL_PATH, X_ENVOY_RETRY_ON, X_ENVOY_RETRY_GRPC_ON, X_ENVOY_MAX_RETRIES,
    X_ENVOY_RETRIABLE_STATUS_CODES, X_ENVOY_RETRIABLE_HEADER_NAMES, X_ENVOY_IMMEDIATE_HEALTH_CHECK_FAIL,
    GRPC_TIMEOUT, GRPC_STATUS,
  };

  private EnvoyHeaderNames() {}
}
