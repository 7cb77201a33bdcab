package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.codec.http2.Http2Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * javoy as a process speaking HTTP/2: prior-knowledge h2c downstream ({@code codec_type: HTTP2}) with curl,
 * nghttp, h2load and a raw client; HTTP/1.1 and h2c on one {@code AUTO} port; the JDK client, which only
 * offers h2c by Upgrade (javoy, like Envoy, answers such requests over HTTP/1.1); an HTTP/2 upstream cluster
 * to a Netty h2c server, with trailers, multiplexing and cancellation.
 */
class Http2EndToEndTest {
  @TempDir
  static Path dir;
  static Http2Fixture fx;
  static H2cBackend h2Backend;
  static JavoyProcess javoy;
  static int h2Port;
  static int autoPort;
  static Path accessLog;

  @BeforeAll
  static void start() throws Exception {
    fx = new Http2Fixture(dir);
    h2Backend = fx.h2Backend;
    javoy = fx.javoy;
    h2Port = fx.h2Port;
    autoPort = fx.autoPort;
    accessLog = fx.accessLog;
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static String url(int port, String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Test
  void curlPriorKnowledgeToHttp1Upstream() throws Exception {
    long rq = ConfigTemplate.stat(javoy, "http.h2in.downstream_rq_http2_total");
    Curl.Result r = Curl.run("--http2-prior-knowledge", url(h2Port, "/a/hello?x=1"));
    assertTrue(r.headers().startsWith("HTTP/2 200"), r.headers());
    assertEquals("A GET /a/hello?x=1 host=127.0.0.1:" + h2Port, r.body());
    assertEquals("envoy", r.header("server"));
    assertEquals(rq + 1, ConfigTemplate.stat(javoy, "http.h2in.downstream_rq_http2_total"));
    assertTrue(ConfigTemplate.stat(javoy, "http.h2in.downstream_cx_http2_total") >= 1);
  }

  @Test
  void requestBodyFromHttp2ClientReachesHttp1Upstream() throws Exception {
    Curl.Result r = Curl.run("--http2-prior-knowledge", "-d", "payload-h2", url(h2Port, "/a/post"));
    assertEquals("A POST /a/post host=127.0.0.1:" + h2Port + " body=payload-h2", r.body());
  }

  @Test
  void http1ClientToHttp2Upstream() throws Exception {
    Curl.Result r = Curl.run("--http1.1", "-d", "up", url(autoPort, "/h2/x"));
    assertTrue(r.headers().startsWith("HTTP/1.1 200"), r.headers());
    assertEquals("H2 POST /h2/x host=127.0.0.1:" + autoPort + " body=up", r.body());
    assertEquals("H2", r.header("x-backend"));
    assertTrue(ConfigTemplate.stat(javoy, "cluster.h2_backend.upstream_cx_http2_total") >= 1);
  }

  @Test
  void autoPortServesHttp1AndPriorKnowledgeHttp2() throws Exception {
    long h1 = ConfigTemplate.stat(javoy, "http.autoin.downstream_cx_http1_total");
    long h2 = ConfigTemplate.stat(javoy, "http.autoin.downstream_cx_http2_total");
    Curl.Result one = Curl.run("--http1.1", url(autoPort, "/a/one"));
    Curl.Result two = Curl.run("--http2-prior-knowledge", url(autoPort, "/a/two"));
    assertTrue(one.headers().startsWith("HTTP/1.1 200"), one.headers());
    assertTrue(two.headers().startsWith("HTTP/2 200"), two.headers());
    assertEquals("A GET /a/two host=127.0.0.1:" + autoPort, two.body());
    assertEquals(h1 + 1, ConfigTemplate.awaitStat(javoy, "http.autoin.downstream_cx_http1_total", h1 + 1));
    assertEquals(h2 + 1, ConfigTemplate.awaitStat(javoy, "http.autoin.downstream_cx_http2_total", h2 + 1));
  }

  /**
   * The JDK client cannot do prior-knowledge h2c: with {@code HTTP_2} on http:// it sends an HTTP/1.1 request
   * with {@code Upgrade: h2c}. Envoy does not upgrade cleartext connections and neither does javoy: the
   * request is served over HTTP/1.1, and the client accepts that.
   */
  @Test
  void jdkClientOfferingH2cUpgradeIsServedOverHttp1() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url(autoPort, "/a/jdk"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals(HttpClient.Version.HTTP_1_1, r.version());
    assertEquals("A GET /a/jdk host=127.0.0.1:" + autoPort, r.body());
  }

  @Test
  void trailersFromHttp2UpstreamReachHttp2Client() throws Exception {
    try (RawH2Connection c = RawH2Connection.open(h2Port)) {
      c.headers(1, RawH2Connection.request("GET", "/trailers/x"), true);
      List<Http2Headers> blocks = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      RawH2Connection.Frame f;
      while ((f = c.readFrame()) != null) {
        if (f.type() == RawH2Connection.HEADERS) {
          blocks.add(c.decode(f));
        } else if (f.type() == RawH2Connection.DATA) {
          body.append(new String(f.payload(), StandardCharsets.UTF_8));
        }
        if (f.stream() == 1 && (f.flags() & RawH2Connection.END_STREAM) != 0) {
          assertEquals(RawH2Connection.HEADERS, f.type(), "the stream ends with the trailers");
          break;
        }
      }
      assertEquals(2, blocks.size(), blocks.toString());
      assertEquals("200", blocks.get(0).status().toString());
      assertEquals("t", blocks.get(1).get("x-trailer").toString());
      assertTrue(body.toString().startsWith("H2 GET /trailers/x host=localhost"), body.toString());
    }
    assertTrue(ConfigTemplate.stat(javoy, "cluster.h2_backend.upstream_rq_200") >= 1);
  }

  @Test
  void bodylessResponseIsOneHeadersFrameWithEndStream() throws Exception {
    try (RawH2Connection c = RawH2Connection.open(h2Port)) {
      c.headers(1, RawH2Connection.request("HEAD", "/direct"), true);
      RawH2Connection.Frame f;
      while ((f = c.readFrame()) != null && f.stream() != 1) {
        // connection-level frames
      }
      assertEquals(RawH2Connection.HEADERS, f.type());
      assertEquals("200", c.decode(f).status().toString());
      assertTrue((f.flags() & RawH2Connection.END_STREAM) != 0, "HEADERS carries END_STREAM");
    }
  }

  @Test
  void clientResetCancelsTheUpstreamStream() throws Exception {
    int streams = h2Backend.streams.get();
    int resets = h2Backend.resetsReceived.get();
    try (RawH2Connection c = RawH2Connection.open(h2Port)) {
      c.headers(1, RawH2Connection.request("GET", "/hang/1"), true);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (h2Backend.streams.get() == streams && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(h2Backend.streams.get() > streams, "the request reached the upstream");
      c.frame(RawH2Connection.RST_STREAM, 0, 1, RawH2Connection.rstPayload(0x8));
      while (h2Backend.resetsReceived.get() == resets && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(h2Backend.resetsReceived.get() > resets, "javoy reset the upstream stream");
      assertEquals(200, c.get(3, "/direct"), "the connection still serves other streams");
    }
    assertTrue(ConfigTemplate.awaitStat(javoy, "http.h2in.downstream_rq_rx_reset", 1) >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "http2.rx_reset") >= 1);
  }

  /** A GOAWAY from the upstream drains that connection: it closes, and later requests use a new one. */
  @Test
  void upstreamGoawayDrainsTheConnection() throws Exception {
    try (RawH2Connection c = RawH2Connection.open(h2Port)) {
      assertEquals(200, c.get(1, "/h2/warm"));
      int opened = h2Backend.connections.get();
      int closed = h2Backend.connectionsClosed.get();
      assertEquals(200, c.get(3, "/goaway/1"));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (h2Backend.connectionsClosed.get() == closed && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(closed + 1, h2Backend.connectionsClosed.get(), "javoy closed the drained upstream connection");
      assertEquals(200, c.get(5, "/h2/after"), "the next request gets a new upstream connection");
      assertEquals(opened + 1, h2Backend.connections.get());
    }
  }

  /**
   * Cluster {@code h2_limited}: one connection (circuit breaker) of one stream ({@code max_concurrent_streams}),
   * one pending request. A second request waits for the stream, a third overflows (503 UO); when the first
   * stream ends the waiting request takes its place.
   */
  @Test
  void upstreamStreamLimitQueuesThenOverflows() throws Exception {
    int streams = h2Backend.streams.get();
    try (RawH2Connection c = RawH2Connection.open(h2Port)) {
      c.headers(1, RawH2Connection.request("GET", "/limited/hang/1"), true);
      awaitBackendStreams(streams + 1);
      c.headers(3, RawH2Connection.request("GET", "/limited/hang/2"), true);
      assertEquals(503, c.get(5, "/limited/hang/3"), "no stream and no pending slot left");
      assertEquals(streams + 1, h2Backend.streams.get(), "the second request waits for the only stream");
      c.frame(RawH2Connection.RST_STREAM, 0, 1, RawH2Connection.rstPayload(0x8));
      awaitBackendStreams(streams + 2);
      c.frame(RawH2Connection.RST_STREAM, 0, 3, RawH2Connection.rstPayload(0x8));
    }
    assertTrue(ConfigTemplate.stat(javoy, "cluster.h2_limited.upstream_rq_pending_overflow") >= 1);
    assertEquals(1, ConfigTemplate.stat(javoy, "cluster.h2_limited.upstream_cx_http2_total"));
  }

  private static void awaitBackendStreams(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (h2Backend.streams.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(n, h2Backend.streams.get());
  }

  @Test
  void nghttpFetchesWithTrailers() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/nghttp")), "nghttp not installed (apt-get install nghttp2-client)");
    String out = run("nghttp", "-v", "-n", url(h2Port, "/trailers/nghttp"));
    assertTrue(out.contains(":status: 200"), out);
    assertTrue(out.contains("x-trailer: t"), out);
  }

  @Test
  void h2loadManyConcurrentStreamsAreMultiplexedUpstream() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/h2load")), "h2load not installed (apt-get install nghttp2-client)");
    int before = h2Backend.connections.get();
    String out = run("h2load", "-n", "400", "-c", "2", "-m", "50", url(h2Port, "/h2/load"));
    assertTrue(out.contains("400 succeeded"), out);
    assertTrue(out.contains("status codes: 400 2xx"), out);
    // Two downstream connections on at most two workers: at most one new upstream connection each.
    assertTrue(h2Backend.connections.get() - before <= 2, "upstream connections: " + (h2Backend.connections.get() - before));
  }

  @Test
  void accessLogShowsHttp2Protocol() throws Exception {
    Curl.run("--http2-prior-knowledge", url(h2Port, "/a/logged"));
    long deadline = System.nanoTime() + 5_000_000_000L;
    String content = "";
    while (System.nanoTime() < deadline) {
      content = Files.exists(accessLog) ? Files.readString(accessLog) : "";
      if (content.contains("HTTP/2 200 - /a/logged")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("access log lacks the HTTP/2 request:\n" + content);
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
    return out;
  }
}
