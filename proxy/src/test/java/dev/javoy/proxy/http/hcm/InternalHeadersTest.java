package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import dev.javoy.proxy.http.route.InternalOnlyHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Envoy v1.34's cleanInternalHeaders list, header by header, on javoy's HTTP/1.1 map and on Netty's (HTTP/2). */
class InternalHeadersTest {
  /** Envoy v1.34's list, spelled out here independently of the class under test. */
  static final List<String> ALWAYS = List.of("x-envoy-internal", "x-envoy-retriable-status-codes",
      "x-envoy-retriable-header-names", "x-envoy-retry-on", "x-envoy-retry-grpc-on", "x-envoy-max-retries",
      "x-envoy-upstream-alt-stat-name", "x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms",
      "x-envoy-upstream-rq-timeout-alt-response", "x-envoy-expected-rq-timeout-ms", "x-envoy-force-trace",
      "x-envoy-ip-tags", "x-envoy-original-url", "x-envoy-hedge-on-per-try-timeout");
  static final List<String> EDGE_ONLY = List.of("x-envoy-decorator-operation", "x-envoy-downstream-service-cluster",
      "x-envoy-downstream-service-node");
  /** x-envoy-* headers Envoy leaves alone even on edge requests. */
  static final List<String> KEPT = List.of("x-envoy-attempt-count", "x-envoy-peer-metadata",
      "x-envoy-peer-metadata-id", "x-envoy-original-path", "x-envoy-upstream-service-time");

  static final List<Supplier<HttpHeaders>> MAPS = List.of(FlatHttpHeaders::new, DefaultHttpHeaders::new);

  static HttpHeaders request(Supplier<HttpHeaders> map, String... extra) {
    HttpHeaders h = map.get();
    h.add("host", "example.com");
    h.add("user-agent", "curl/8");
    h.add("accept", "*/*");
    for (int i = 0; i < extra.length; i += 2) {
      h.add(extra[i], extra[i + 1]);
    }
    return h;
  }

  @Test
  void theListIsEnvoysList() {
    assertEquals(ALWAYS, java.util.Arrays.stream(InternalHeaders.ALWAYS).map(AsciiString::toString).toList());
    assertEquals(EDGE_ONLY, java.util.Arrays.stream(InternalHeaders.EDGE_ONLY).map(AsciiString::toString).toList());
  }

  @Test
  void everyAlwaysHeaderGoesFromEveryRequestThatIsNotInternal() {
    for (Supplier<HttpHeaders> map : MAPS) {
      for (String name : ALWAYS) {
        for (boolean edge : new boolean[] {false, true}) {
          HttpHeaders h = request(map, name, "1", "x-keep", "k", name.toUpperCase(), "2");
          InternalHeaders.clean(h, edge, InternalOnlyHeaders.NONE);
          assertFalse(h.contains(name), name + " (every copy) edge=" + edge + " " + h.getClass().getSimpleName());
          assertEquals("k", h.get("x-keep"));
          assertEquals("example.com", h.get("host"));
          assertEquals(4, h.size(), name);
        }
      }
    }
  }

  @Test
  void edgeOnlyHeadersGoOnlyFromEdgeRequests() {
    for (Supplier<HttpHeaders> map : MAPS) {
      for (String name : EDGE_ONLY) {
        HttpHeaders h = request(map, name, "v");
        InternalHeaders.clean(h, false, InternalOnlyHeaders.NONE);
        assertEquals("v", h.get(name), name + ": kept on a request that is not an edge one (use_remote_address false)");
        InternalHeaders.clean(h, true, InternalOnlyHeaders.NONE);
        assertFalse(h.contains(name), name + ": removed from edge requests");
      }
    }
  }

  @Test
  void otherEnvoyHeadersStay() {
    for (Supplier<HttpHeaders> map : MAPS) {
      for (String name : KEPT) {
        HttpHeaders h = request(map, name, "v");
        InternalHeaders.clean(h, true, InternalOnlyHeaders.NONE);
        assertEquals("v", h.get(name), name);
      }
    }
  }

  @Test
  void routeConfigurationInternalOnlyHeadersGoToo() {
    InternalOnlyHeaders only = InternalOnlyHeaders.of("X-Tenant-Admin", "x-debug");
    for (Supplier<HttpHeaders> map : MAPS) {
      for (boolean edge : new boolean[] {false, true}) {
        HttpHeaders h = request(map, "x-tenant-admin", "yes", "X-Debug", "1", "x-debugx", "stays");
        InternalHeaders.clean(h, edge, only);
        assertFalse(h.contains("x-tenant-admin"));
        assertFalse(h.contains("x-debug"));
        assertEquals("stays", h.get("x-debugx"));
      }
    }
  }

  @Test
  void namesKeptAsReceivedArePreserveCaseButStillFound() {
    FlatHttpHeaders h = new FlatHttpHeaders(false, true, 8); // header_key_format preserve_case
    h.add("Host", "h");
    h.add("X-Envoy-Retry-On", "5xx");
    h.add("X-ENVOY-DECORATOR-OPERATION", "op");
    h.add("X-Tenant-Admin", "yes");
    InternalHeaders.clean(h, true, InternalOnlyHeaders.of("x-tenant-admin"));
    assertEquals(1, h.size(), h.names().toString());
    assertEquals("Host", h.nameAt(0).toString());
  }

  @Test
  void allAtOnce() {
    HttpHeaders h = new FlatHttpHeaders();
    for (String n : ALWAYS) {
      h.add(n, "x");
    }
    for (String n : EDGE_ONLY) {
      h.add(n, "x");
    }
    h.add("x-envoy-attempt-count", "1");
    InternalHeaders.clean(h, true, InternalOnlyHeaders.NONE);
    assertEquals(1, h.size(), h.names().toString());
  }

  @Test
  void aPlainRequestCostsOneMaskTest() {
    // the names a usual request carries miss the combined mask: clean is one AND on the map's summary
    int summary = 0;
    for (String n : List.of("host", "user-agent", "accept", "content-length", "content-type", "x-request-id",
        "accept-encoding", "x-forwarded-proto", "cookie", "accept-language", "x-b3-parentspanid", "traceparent")) {
      summary |= HeaderNameSummary.bitOf(n);
    }
    assertEquals(0, summary & InternalHeaders.mask(true), Integer.toBinaryString(summary & InternalHeaders.mask(true)));
    FlatHttpHeaders h = (FlatHttpHeaders) request(FlatHttpHeaders::new);
    assertEquals(0, h.nameSummary() & InternalHeaders.mask(true));
    for (String n : ALWAYS) {
      assertNotEquals(0, HeaderNameSummary.bitOf(n) & InternalHeaders.mask(false), n);
    }
    for (String n : EDGE_ONLY) {
      assertNotEquals(0, HeaderNameSummary.bitOf(n) & InternalHeaders.mask(true), n);
    }
    assertTrue(Integer.bitCount(InternalHeaders.mask(true)) < 16, "the mask leaves most bits clear");
  }
}
