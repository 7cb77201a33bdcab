package dev.javoy.filters.tracers.zipkin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import dev.javoy.filters.compression.FilterHarness;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.tracing.Span;
import dev.javoy.proxy.tracing.TraceReason;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** B3 extraction and injection, Zipkin's span relationships, v2 JSON, and the config the factory rejects. */
class ZipkinTracerTest {
  final FilterHarness harness = new FilterHarness();

  static ZipkinConfig.Builder config() {
    return ZipkinConfig.newBuilder().setCollectorCluster("zipkin").setCollectorEndpoint("/api/v2/spans");
  }

  ZipkinTracer tracer(ZipkinConfig c) throws ConfigException {
    return (ZipkinTracer) new ZipkinTracerFactory().create(c, harness.ctx);
  }

  static HttpHeaders headers(String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  @Test
  void extractsMultiAndSingleHeaderB3() throws Exception {
    ZipkinSpanContext c = B3Propagation.extract(headers("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124",
        "x-b3-spanid", "a2fb4a1d1a96d312", "x-b3-parentspanid", "0020000000000001", "x-b3-sampled", "1"));
    assertEquals(new ZipkinSpanContext(0x463ac35c9f6413adL, 0x48485a3953bb6124L, 0xa2fb4a1d1a96d312L, 0x20000000000001L), c);
    ZipkinSpanContext single = B3Propagation.extract(headers("b3",
        "80f198ee56343ba8-e457b5a2e4d86bd1-d-05e3ac9a4f6e3b90"));
    assertEquals(new ZipkinSpanContext(0, 0x80f198ee56343ba8L, 0xe457b5a2e4d86bd1L, 0x05e3ac9a4f6e3b90L), single);
    assertNull(B3Propagation.extract(headers("x-b3-sampled", "1")), "sampling state alone is no context");
    assertThrows(B3Propagation.InvalidB3.class, () -> B3Propagation.extract(headers("x-b3-traceid", "xyz",
        "x-b3-spanid", "a2fb4a1d1a96d312")));
  }

  @Test
  void samplingStateFromB3() {
    assertEquals(Boolean.TRUE, B3Propagation.sampled(headers("b3", "d")));
    assertEquals(Boolean.FALSE, B3Propagation.sampled(headers("b3", "0")));
    assertEquals(Boolean.FALSE, B3Propagation.sampled(headers("b3", "80f198ee56343ba8-e457b5a2e4d86bd1-0")));
    assertEquals(Boolean.TRUE, B3Propagation.sampled(headers("x-b3-sampled", "true")));
    assertEquals(Boolean.FALSE, B3Propagation.sampled(headers("x-b3-sampled", "0")));
    assertEquals(Boolean.TRUE, B3Propagation.sampled(headers("x-b3-flags", "1")), "debug");
    assertNull(B3Propagation.sampled(headers()));
  }

  @Test
  void newTraceSharedServerSpanAndChildClientSpan() throws Exception {
    ZipkinTracer t = tracer(config().setTraceId128Bit(true).build());
    ZipkinSpan root = (ZipkinSpan) t.startSpan(false, headers(), "ingress", 1, TraceReason.SAMPLING);
    assertEquals(root.traceId, root.id);
    assertNotEquals(0, root.traceIdHigh);
    assertEquals(32, root.traceIdHex().length());
    assertTrue(root.sampled());
    HttpHeaders up = headers();
    root.injectContext(up);
    assertEquals(root.traceIdHex(), up.get("x-b3-traceid"));
    assertEquals(B3Propagation.hex(root.id), up.get("x-b3-spanid"));
    assertFalse(up.contains("x-b3-parentspanid"));
    assertEquals("1", up.get("x-b3-sampled"));

    HttpHeaders incoming = headers("x-b3-traceid", "463ac35c9f6413ad", "x-b3-spanid", "a2fb4a1d1a96d312");
    ZipkinSpan shared = (ZipkinSpan) t.startSpan(false, incoming, "ingress", 1, TraceReason.NOT_TRACEABLE);
    assertEquals(0xa2fb4a1d1a96d312L, shared.id, "shared_span_context defaults to true");
    assertTrue(shared.shared);
    assertFalse(shared.sampled(), "no propagated state: the decision");
    ZipkinSpan client = (ZipkinSpan) t.startSpan(true, incoming, "egress x", 1, TraceReason.SAMPLING);
    assertEquals(0xa2fb4a1d1a96d312L, client.parentId);
    assertNotEquals(client.parentId, client.id);
    assertTrue(client.client);
    ZipkinTracer unshared = tracer(config().setSharedSpanContext(BoolValue.of(false)).build());
    ZipkinSpan child = (ZipkinSpan) unshared.startSpan(false, incoming, "ingress", 1, TraceReason.SAMPLING);
    assertEquals(0xa2fb4a1d1a96d312L, child.parentId);
    assertFalse(child.shared);
    assertSame(Span.NULL, t.startSpan(false, headers("b3", "not-a-b3-header"), "x", 1, TraceReason.SAMPLING),
        "malformed B3: not traced");
  }

  @Test
  void unsampledSpansKeepNoTags() throws Exception {
    ZipkinSpan s = (ZipkinSpan) tracer(config().build()).startSpan(false, headers(), "n", 1,
        TraceReason.NOT_TRACEABLE);
    s.setTag("a", "b");
    assertNull(s.tags);
    HttpHeaders up = headers();
    s.injectContext(up);
    assertEquals("0", up.get("x-b3-sampled"));
  }

  @Test
  void encodesZipkinV2Json() throws Exception {
    ZipkinTracer t = tracer(config().build());
    ZipkinSpan s = new ZipkinSpan(t, "op \"q\"", 0, 1, 2, 3, true, false, true, 1000);
    s.durationMicros = 5;
    s.setTag("http.url", "http://h/p");
    String json = new String(ZipkinJson.encode(List.of(s), "svc", "10.0.0.1"), StandardCharsets.UTF_8);
    assertEquals("[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\",\"parentId\":\"0000000000000003\","
        + "\"kind\":\"CLIENT\",\"name\":\"op \\\"q\\\"\",\"timestamp\":1000,\"duration\":5,"
        + "\"localEndpoint\":{\"serviceName\":\"svc\",\"ipv4\":\"10.0.0.1\"},\"tags\":{\"http.url\":\"http://h/p\"}}]",
        json);
  }

  @Test
  void rejectsWhatIsNotBuilt() {
    Map<ZipkinConfig, String> bad = Map.of(
        config().setCollectorEndpointVersion(ZipkinConfig.CollectorEndpointVersion.HTTP_PROTO).build(),
        "collector_endpoint_version",
        config().setSplitSpansForRequest(true).build(), "split_spans_for_request",
        config().setCollectorCluster("").build(), "collector_cluster",
        config().setCollectorEndpoint("").build(), "collector_endpoint");
    bad.forEach((c, field) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> tracer(c));
      assertTrue(e.getMessage().startsWith(field), e.getMessage());
    });
  }
}
