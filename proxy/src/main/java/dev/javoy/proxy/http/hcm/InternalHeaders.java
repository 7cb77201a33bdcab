package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import dev.javoy.proxy.http.route.InternalOnlyHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The {@code x-envoy-*} request headers only an internal request may carry, and their removal from the others
 * (Envoy v1.34's {@code ConnectionManagerUtility::cleanInternalHeaders}, plus the {@code x-envoy-internal} that
 * {@code mutateRequestHeaders} removes from every request before it decides).
 * <p>
 * Every request that is not internal loses {@link #ALWAYS}; an edge request (not internal, {@code use_remote_address}
 * true) also loses {@link #EDGE_ONLY}; both lose the route configuration's {@code internal_only_headers}.
 * <p>
 * Cost: on javoy's HTTP/1.1 header map the names' {@link HeaderNameSummary} bits are OR-ed into one mask at class
 * load, so a request holding none of them (the usual one) is answered by one AND with the map's summary; otherwise
 * only the names whose bit is present are looked for. Other maps (HTTP/2) get one {@code remove} per name.
 */
final class InternalHeaders {
  static final AsciiString X_ENVOY_DOWNSTREAM_SERVICE_NODE = AsciiString.cached("x-envoy-downstream-service-node");
  static final AsciiString X_ENVOY_UPSTREAM_ALT_STAT_NAME = AsciiString.cached("x-envoy-upstream-alt-stat-name");
  static final AsciiString X_ENVOY_UPSTREAM_RQ_TIMEOUT_ALT_RESPONSE =
      AsciiString.cached("x-envoy-upstream-rq-timeout-alt-response");
  static final AsciiString X_ENVOY_IP_TAGS = AsciiString.cached("x-envoy-ip-tags");
  static final AsciiString X_ENVOY_ORIGINAL_URL = AsciiString.cached("x-envoy-original-url");
  static final AsciiString X_ENVOY_HEDGE_ON_PER_TRY_TIMEOUT = AsciiString.cached("x-envoy-hedge-on-per-try-timeout");

  /** Removed from every request that is not internal (Envoy's order). */
  static final AsciiString[] ALWAYS = {
    EnvoyHeaderNames.X_ENVOY_INTERNAL,
    EnvoyHeaderNames.X_ENVOY_RETRIABLE_STATUS_CODES,
    EnvoyHeaderNames.X_ENVOY_RETRIABLE_HEADER_NAMES,
    EnvoyHeaderNames.X_ENVOY_RETRY_ON,
    EnvoyHeaderNames.X_ENVOY_RETRY_GRPC_ON,
    EnvoyHeaderNames.X_ENVOY_MAX_RETRIES,
    X_ENVOY_UPSTREAM_ALT_STAT_NAME,
    EnvoyHeaderNames.X_ENVOY_UPSTREAM_RQ_TIMEOUT_MS,
    EnvoyHeaderNames.X_ENVOY_UPSTREAM_RQ_PER_TRY_TIMEOUT_MS,
    X_ENVOY_UPSTREAM_RQ_TIMEOUT_ALT_RESPONSE,
    EnvoyHeaderNames.X_ENVOY_EXPECTED_RQ_TIMEOUT_MS,
    EnvoyHeaderNames.X_ENVOY_FORCE_TRACE,
    X_ENVOY_IP_TAGS,
    X_ENVOY_ORIGINAL_URL,
    X_ENVOY_HEDGE_ON_PER_TRY_TIMEOUT,
  };

  /** Removed from edge requests only. */
  static final AsciiString[] EDGE_ONLY = {
    EnvoyHeaderNames.X_ENVOY_DECORATOR_OPERATION,
    EnvoyHeaderNames.X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER,
    X_ENVOY_DOWNSTREAM_SERVICE_NODE,
  };

  /** {@link #ALWAYS} then {@link #EDGE_ONLY}: what an edge request loses. */
  private static final AsciiString[] EDGE = concat(ALWAYS, EDGE_ONLY);
  private static final int[] EDGE_BITS = bits(EDGE);
  private static final int ALWAYS_MASK = mask(EDGE_BITS, ALWAYS.length);
  private static final int EDGE_MASK = mask(EDGE_BITS, EDGE.length);

  private InternalHeaders() {}

  /**
   * Removes what a request that is not internal may not carry.
   *
   * @param edge the request is an edge request ({@code use_remote_address} and not internal)
   * @param internalOnly the route configuration's {@code internal_only_headers}
   */
  static void clean(HttpHeaders h, boolean edge, InternalOnlyHeaders internalOnly) {
    int count = edge ? EDGE.length : ALWAYS.length;
    if (h instanceof FlatHttpHeaders f) {
      int summary = f.nameSummary();
      if ((summary & ((edge ? EDGE_MASK : ALWAYS_MASK) | internalOnly.mask())) == 0) {
        return; // none of the names can be present: one AND
      }
      for (int i = 0; i < count; i++) {
        if ((summary & EDGE_BITS[i]) != 0) {
          f.remove(EDGE[i]);
        }
      }
      for (int i = 0, n = internalOnly.size(); i < n; i++) {
        if ((summary & internalOnly.bit(i)) != 0) {
          f.remove(internalOnly.name(i));
        }
      }
      return;
    }
    if (h.isEmpty()) {
      return;
    }
    for (int i = 0; i < count; i++) {
      h.remove(EDGE[i]);
    }
    for (int i = 0, n = internalOnly.size(); i < n; i++) {
      h.remove(internalOnly.name(i));
    }
  }

  /** The combined summary mask of what {@link #clean} looks for (for tests and benchmarks). */
  static int mask(boolean edge) {
    return edge ? EDGE_MASK : ALWAYS_MASK;
  }

  private static AsciiString[] concat(AsciiString[] a, AsciiString[] b) {
    AsciiString[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int[] bits(AsciiString[] names) {
    int[] out = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = HeaderNameSummary.bitOf(names[i]);
    }
    return out;
  }

  private static int mask(int[] bits, int count) {
    int m = 0;
    for (int i = 0; i < count; i++) {
      m |= bits[i];
    }
    return m;
  }
}
