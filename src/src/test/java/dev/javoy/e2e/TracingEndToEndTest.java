package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HCM {@code tracing} with the Zipkin tracer through a javoy process: curl requests, a backend that echoes the B3
 * headers it got, and an in-test Zipkin collector (a real HTTP server recording the v2 JSON javoy posts through
 * its {@code zipkin} cluster). Covers the ingress server span (decorator, standard and custom tags, shared span
 * context, {@code verbose} timing annotations), the egress client span of the bootstrap tracer (128-bit ids, child of the incoming B3 context),
 * {@code x-client-trace-id} with {@code client_sampling}, {@code x-envoy-force-trace}, {@code random_sampling} 0,
 * route-level sampling, the tracing stats, and an Istio-shaped tracing block.
 */
class TracingEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static HttpServer collector;
  static JavoyProcess javoy;
  static int ingress;
  static int egress;
  /** Every span the collector received. */
  static final ConcurrentLinkedQueue<JsonObject> spans = new ConcurrentLinkedQueue<>();
  static final ConcurrentLinkedQueue<String> collectorContentTypes = new ConcurrentLinkedQueue<>();
  /** The Host header of each report with the service names of its spans' trace ids, "host|traceId". */
  static final ConcurrentLinkedQueue<String> reportHosts = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    backend.setExecutor(Executors.newFixedThreadPool(4, daemon("backend")));
    backend.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        StringBuilder sb = new StringBuilder();
        for (String h : new String[] {"x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled",
            "x-request-id", "x-envoy-decorator-operation"}) {
          sb.append(h).append('=').append(ex.getRequestHeaders().getFirst(h)).append('\n');
        }
        byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      }
    });
    backend.start();
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    collector.setExecutor(Executors.newFixedThreadPool(2, daemon("collector")));
    collector.createContext("/api/v2/spans", ex -> {
      try (ex) {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        collectorContentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
        for (JsonElement e : JsonParser.parseString(body).getAsJsonArray()) {
          spans.add(e.getAsJsonObject());
          reportHosts.add(ex.getRequestHeaders().getFirst("Host") + "|" + e.getAsJsonObject().get("traceId").getAsString());
        }
        ex.sendResponseHeaders(202, -1);
      }
    });
    collector.start();
    ingress = JavoyProcess.freePort();
    egress = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    Path config = ConfigTemplate.render("/e2e/tracing.yaml", Map.of("ADMIN", "" + admin, "INGRESS", "" + ingress,
        "EGRESS", "" + egress, "BACKEND", "" + backend.getAddress().getPort(),
        "ZIPKIN", "" + collector.getAddress().getPort()), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
    if (collector != null) {
      collector.stop(0);
    }
  }

  /** What the backend saw, by header name ("null" when absent). */
  static Map<String, String> seen(Curl.Result r) {
    Map<String, String> m = new HashMap<>();
    for (String line : r.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String v = line.substring(eq + 1);
        m.put(line.substring(0, eq), v.equals("null") ? null : v);
      }
    }
    return m;
  }

  /** The span with this trace and span id, waiting for the reporter's flush (every 5 s). */
  static JsonObject awaitSpan(String traceId, String id) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (JsonObject s : spans) {
        if (s.get("traceId").getAsString().equals(traceId) && s.get("id").getAsString().equals(id)) {
          return s;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no span " + traceId + "/" + id + " among " + spans + "\n" + javoy.output());
  }

  static String tag(JsonObject span, String name) {
    JsonObject tags = span.getAsJsonObject("tags");
    return tags == null || !tags.has(name) ? null : tags.get(name).getAsString();
  }

  @Test
  void ingressSpanHasEnvoysTagsDecoratorAndCustomTags() throws Exception {
    Curl.Result r = Curl.run("-H", "x-tag-me: yes", "-H", "user-agent: tracing-test",
        "http://127.0.0.1:" + ingress + "/some/longer/path?q=1");
    assertEquals(200, r.status());
    Map<String, String> up = seen(r);
    String traceId = up.get("x-b3-traceid");
    String spanId = up.get("x-b3-spanid");
    assertNotNull(traceId, r.body());
    assertEquals(16, traceId.length(), "64-bit trace id by default");
    assertEquals(traceId, spanId, "a new trace's root span id is its trace id (as Envoy)");
    assertNull(up.get("x-b3-parentspanid"));
    assertEquals("1", up.get("x-b3-sampled"));
    String rid = up.get("x-request-id");
    assertEquals('9', rid.charAt(14), "sampled: Envoy packs the reason into the UUID: " + rid);
    assertEquals("backend-op", r.header("x-envoy-decorator-operation"), "ingress: the decorator goes back");

    JsonObject s = awaitSpan(traceId, spanId);
    assertEquals("SERVER", s.get("kind").getAsString());
    assertEquals("backend-op", s.get("name").getAsString());
    assertFalse(s.has("parentId"));
    assertEquals("tracing-svc", s.getAsJsonObject("localEndpoint").get("serviceName").getAsString());
    assertTrue(s.get("duration").getAsLong() > 0);
    assertEquals("GET", tag(s, "http.method"));
    assertEquals("200", tag(s, "http.status_code"));
    assertEquals("http://127.0.0.1:" + ingress + "/some/longer", tag(s, "http.url"), "path cut at 12 characters");
    assertEquals("HTTP/1.1", tag(s, "http.protocol"));
    assertEquals("backend", tag(s, "upstream_cluster"));
    assertEquals("proxy", tag(s, "component"));
    assertEquals("tracing-node", tag(s, "node_id"));
    assertEquals("zone-a", tag(s, "zone"));
    assertEquals(rid, tag(s, "guid:x-request-id"));
    assertEquals("-", tag(s, "response_flags"));
    assertEquals("tracing-test", tag(s, "user_agent"));
    assertEquals("-", tag(s, "downstream_cluster"));
    assertEquals("0", tag(s, "request_size"));
    assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length), tag(s, "response_size"));
    assertTrue(tag(s, "peer.address").startsWith("127.0.0.1:"), tag(s, "peer.address"));
    assertEquals("127.0.0.1:" + backend.getAddress().getPort(), tag(s, "upstream_address"));
    assertNull(tag(s, "error"));
    assertEquals("L1", tag(s, "lit"));
    assertEquals("env-default", tag(s, "env"));
    assertEquals("yes", tag(s, "hdr"));
    assertEquals("blue", tag(s, "route-md"));
    assertEquals("gold", tag(s, "cluster-md"));
    assertTrue(collectorContentTypes.contains("application/json"), collectorContentTypes.toString());
    assertTrue(reportHosts.contains("collector.example|" + traceId), "collector_hostname: " + reportHosts);
    String annotations = String.valueOf(s.get("annotations"));
    for (String event : new String[] {"first_upstream_tx_byte_sent", "first_upstream_rx_byte_received",
        "last_downstream_tx_byte_sent"}) {
      assertTrue(annotations.contains("\"" + event + "\""), "verbose: " + annotations);
    }
  }

  @Test
  void http2RequestsAreTracedToo() throws Exception {
    Curl.Result r = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + ingress + "/h2");
    assertEquals(200, r.status());
    Map<String, String> up = seen(r);
    assertEquals("1", up.get("x-b3-sampled"));
    JsonObject s = awaitSpan(up.get("x-b3-traceid"), up.get("x-b3-spanid"));
    assertEquals("HTTP/2", tag(s, "http.protocol"));
    assertEquals("backend-op", s.get("name").getAsString());
  }

  @Test
  void ingressJoinsTheIncomingSpanWithSharedSpanContext() throws Exception {
    String trace = "463ac35c9f6413ad";
    String parent = "0020000000000001";
    String span = "a2fb4a1d1a96d312";
    Curl.Result r = Curl.run("-H", "x-b3-traceid: " + trace, "-H", "x-b3-spanid: " + span,
        "-H", "x-b3-parentspanid: " + parent, "-H", "x-b3-sampled: 1",
        "-H", "x-envoy-decorator-operation: renamed-by-client",
        "http://127.0.0.1:" + ingress + "/joined");
    assertEquals(200, r.status());
    Map<String, String> up = seen(r);
    assertEquals(trace, up.get("x-b3-traceid"));
    assertEquals(span, up.get("x-b3-spanid"), "shared_span_context (default true): the server span is the client's");
    assertEquals(parent, up.get("x-b3-parentspanid"));
    assertNull(up.get("x-envoy-decorator-operation"), "the request's decorator header is consumed");
    assertNull(r.header("x-envoy-decorator-operation"), "an overridden decorator is not sent back");
    JsonObject s = awaitSpan(trace, span);
    assertTrue(s.get("shared").getAsBoolean());
    assertEquals(parent, s.get("parentId").getAsString());
    assertEquals("renamed-by-client", s.get("name").getAsString());
  }

  @Test
  void b3SingleHeaderSampledZeroIsPropagatedAndNotReported() throws Exception {
    String trace = "80f198ee56343ba864fe8b2a57d3eff7";
    String span = "e457b5a2e4d86bd1";
    Curl.Result r = Curl.run("-H", "b3: " + trace + "-" + span + "-0", "http://127.0.0.1:" + ingress + "/unsampled");
    Map<String, String> up = seen(r);
    assertEquals(trace, up.get("x-b3-traceid"), "128-bit trace ids propagate");
    assertEquals(span, up.get("x-b3-spanid"));
    assertEquals("0", up.get("x-b3-sampled"), "the propagated sampling state wins over the decision");
    awaitFlush();
    assertTrue(spans.stream().noneMatch(s -> s.get("traceId").getAsString().equals(trace)));
  }

  @Test
  void egressClientSpanIsAChildOfTheIncomingContextWith128BitIds() throws Exception {
    String trace = "5af7183fb1d4cf5f";
    String span = "6b221d5bc9e6496c";
    long forcedBefore = ConfigTemplate.stat(javoy, "http.outbound.tracing.service_forced");
    Curl.Result r = Curl.run("-H", "x-b3-traceid: " + trace, "-H", "x-b3-spanid: " + span,
        "-H", "x-envoy-force-trace: true", "-H", "host: svc.example:8080", "http://127.0.0.1:" + egress + "/out");
    assertEquals(200, r.status());
    Map<String, String> up = seen(r);
    assertEquals(trace, up.get("x-b3-traceid"));
    String child = up.get("x-b3-spanid");
    assertNotEquals(span, child, "egress: a new client span");
    assertEquals(span, up.get("x-b3-parentspanid"));
    assertEquals("1", up.get("x-b3-sampled"));
    assertEquals('a', up.get("x-request-id").charAt(14), "service forced");
    assertEquals(forcedBefore + 1, ConfigTemplate.stat(javoy, "http.outbound.tracing.service_forced"));
    JsonObject s = awaitSpan(trace, child);
    assertEquals("CLIENT", s.get("kind").getAsString());
    assertTrue(reportHosts.contains("zipkin|" + trace), "without collector_hostname, the cluster name: " + reportHosts);
    assertEquals(span, s.get("parentId").getAsString());
    assertEquals("egress svc.example:8080", s.get("name").getAsString(), "Envoy's egress name: 'egress <host>'");
    assertEquals("tracing-svc", tag(s, "istio.canonical_service"));
    assertEquals("default", tag(s, "istio.namespace"));
    assertNull(tag(s, "istio.authorization.dry_run.allow_policy.name"), "no dynamic metadata, no default: no tag");

    // a new trace from the bootstrap's tracer: trace_id_128bit
    Curl.Result fresh = Curl.run("-H", "x-envoy-force-trace: 1", "http://127.0.0.1:" + egress + "/fresh");
    assertEquals(32, seen(fresh).get("x-b3-traceid").length());
  }

  @Test
  void clientTraceIdForcesTracingUnderClientSampling() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.outbound.tracing.client_enabled");
    Curl.Result r = Curl.run("-H", "x-client-trace-id: client-42", "http://127.0.0.1:" + egress + "/client");
    Map<String, String> up = seen(r);
    assertEquals("1", up.get("x-b3-sampled"));
    assertEquals('b', up.get("x-request-id").charAt(14), "client forced");
    assertEquals(before + 1, ConfigTemplate.stat(javoy, "http.outbound.tracing.client_enabled"));
    JsonObject s = awaitSpan(up.get("x-b3-traceid"), up.get("x-b3-spanid"));
    assertEquals("client-42", tag(s, "guid:x-client-trace-id"));

    // the route's tracing: client_sampling 0 ignores the header
    Curl.Result off = Curl.run("-H", "x-client-trace-id: client-43", "http://127.0.0.1:" + egress + "/noclient");
    assertEquals("0", seen(off).get("x-b3-sampled"));
    assertEquals('4', seen(off).get("x-request-id").charAt(14));
  }

  @Test
  void anEdgeRequestCannotForceTracing() throws Exception {
    // x-forwarded-for's last hop is trusted (xff_num_trusted_hops 1): the client is 8.8.8.8, an external one
    Curl.Result r = Curl.run("-H", "x-forwarded-for: 8.8.8.8", "-H", "x-envoy-force-trace: true",
        "http://127.0.0.1:" + egress + "/edge");
    Map<String, String> up = seen(r);
    assertEquals("0", up.get("x-b3-sampled"), "Envoy strips x-envoy-force-trace from edge requests");
    assertEquals('4', up.get("x-request-id").charAt(14));
  }

  @Test
  void randomSamplingZeroReportsNoSpans() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.outbound.tracing.not_traceable");
    java.util.List<String> traces = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Map<String, String> up = seen(Curl.run("http://127.0.0.1:" + egress + "/plain" + i));
      assertEquals("0", up.get("x-b3-sampled"), "the context still propagates, unsampled");
      assertEquals('4', up.get("x-request-id").charAt(14));
      traces.add(up.get("x-b3-traceid"));
    }
    assertEquals(before + 6, ConfigTemplate.stat(javoy, "http.outbound.tracing.not_traceable"));
    awaitFlush();
    assertTrue(spans.stream().noneMatch(s -> traces.contains(s.get("traceId").getAsString())));
  }

  @Test
  void zipkinStatsCountReports() throws Exception {
    Curl.run("http://127.0.0.1:" + ingress + "/stats-probe");
    assertTrue(ConfigTemplate.awaitStat(javoy, "tracing.zipkin.timer_flushed", 1) >= 1);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (ConfigTemplate.stat(javoy, "tracing.zipkin.reports_sent") < 1 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(ConfigTemplate.stat(javoy, "tracing.zipkin.reports_sent") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "tracing.zipkin.spans_sent") >= 1);
    assertEquals(0, ConfigTemplate.stat(javoy, "tracing.zipkin.reports_failed"));
    assertEquals(0, ConfigTemplate.stat(javoy, "tracing.zipkin.reports_dropped"));
    assertTrue(ConfigTemplate.stat(javoy, "http.inbound.tracing.random_sampling") >= 1);
  }

  /** Waits past the reporter's 5 s flush interval. */
  static void awaitFlush() throws Exception {
    long flushed = ConfigTemplate.stat(javoy, "tracing.zipkin.timer_flushed");
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (ConfigTemplate.stat(javoy, "tracing.zipkin.timer_flushed") < flushed + 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(500); // the report's round trip
  }
}
