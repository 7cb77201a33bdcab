package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * {@code x-envoy-upstream-alt-stat-name}: Envoy's router consumes it (removes it from the request) and charges the
 * response's code stats a second time under {@code cluster.<name>.<alt name>.}. javoy consumes it the same way but
 * emits no alt stats (its cluster stats are a fixed schema per cluster). The connection manager has already removed
 * it from requests that are not internal ({@code hcm.InternalHeaders}). A request without it costs one test of the
 * header map's name summary.
 */
final class UpstreamAltStatName {
  static final AsciiString X_ENVOY_UPSTREAM_ALT_STAT_NAME = AsciiString.cached("x-envoy-upstream-alt-stat-name");
  private static final int BIT = HeaderNameSummary.bitOf(X_ENVOY_UPSTREAM_ALT_STAT_NAME);

  private UpstreamAltStatName() {}

  /** Removes the header, as Envoy's router does. */
  static void consume(HttpHeaders h) {
    if (h instanceof FlatHttpHeaders f && (f.nameSummary() & BIT) == 0) {
      return;
    }
    h.remove(X_ENVOY_UPSTREAM_ALT_STAT_NAME);
  }
}
