package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * javoy as a separate process with the fault, CORS, local rate limit and buffer HTTP filters in front of a real
 * backend that reports what it received: injected aborts and delays (with their response flags in the access
 * log), header-controlled faults, a 30% fault rate, per-route overrides, CORS preflights and actual requests, a
 * token bucket running out, and whole-request buffering (content-length on a chunked upload, 413 past the limit).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpFiltersEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static final AtomicInteger backendRequests = new AtomicInteger();
  static JavoyProcess javoy;
  static int httpPort;
  static Path accessLog;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("filters-backend", 4, ex -> {
      backendRequests.incrementAndGet();
      byte[] in = ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().toString();
      byte[] out = path.startsWith("/fault/throttle") ? "x".repeat(4096).getBytes(StandardCharsets.UTF_8)
          : (ex.getRequestMethod() + " " + path + " cl=" + ex.getRequestHeaders().getFirst("Content-Length")
              + " te=" + ex.getRequestHeaders().getFirst("Transfer-Encoding") + " len=" + in.length)
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("X-Backend", "echo");
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
    });
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    accessLog = dir.resolve("access.log");
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("HTTP", Integer.toString(httpPort));
    vars.put("BACKEND", Integer.toString(backend.getAddress().getPort()));
    vars.put("ACCESS_LOG", accessLog.toString());
    Path config = ConfigTemplate.render("/e2e/http_filters.yaml", vars, dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info",
        "--file-flush-interval-msec", "50");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  // ---- fault ----

  @Test
  void faultAbortsEveryRequestAtHundredPercent() throws Exception {
    int before = backendRequests.get();
    Curl.Result r = Curl.run("-H", "Host: faults.test", url("/abort/me"));
    assertEquals(503, r.status(), r.toString());
    assertEquals("fault filter abort", r.body());
    assertEquals(before, backendRequests.get(), "an aborted request never reaches the backend");
    assertAccessLogged("503 FI /abort/me fault_filter_abort");
    assertTrue(stat("http.filters.fault.aborts_injected") >= 1);
  }

  @Test
  void faultDelaysTheRequest() throws Exception {
    long start = System.nanoTime();
    Curl.Result r = Curl.run("-H", "Host: faults.test", url("/fault/delay"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status(), r.toString());
    assertTrue(r.body().startsWith("GET /fault/delay"), r.body());
    assertTrue(ms >= 500 && ms < 5000, "took " + ms + " ms");
    assertAccessLogged("200 DI /fault/delay via_upstream");
    start = System.nanoTime();
    Curl.Result post = Curl.run("-H", "Host: faults.test", "-d", "held-during-the-delay", url("/fault/delay/post"));
    ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals("POST /fault/delay/post cl=21 te=null len=21", post.body(), "the body waited and then went on");
    assertTrue(ms >= 500, "took " + ms + " ms");
  }

  @Test
  void headersControlTheFault() throws Exception {
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      assertEquals(200, c.get("faults.test", "/fault/header/none").status());
      RawHttpClient.Response aborted = c.get("faults.test", "/fault/header/abort", "x-envoy-fault-abort-request", "418");
      assertEquals(418, aborted.status());
      assertEquals("fault filter abort", aborted.text());
      assertEquals(200, c.get("faults.test", "/fault/header/zero", "x-envoy-fault-abort-request", "418",
          "x-envoy-fault-abort-request-percentage", "0").status());
      long start = System.nanoTime();
      RawHttpClient.Response delayed = c.get("faults.test", "/fault/header/delay", "x-envoy-fault-delay-request", "300");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, delayed.status());
      assertTrue(ms >= 300 && ms < 5000, "took " + ms + " ms");
    }
  }

  @Test
  void faultAtThirtyPercentOfAThousandRequests() throws Exception {
    int aborted = 0;
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      for (int i = 0; i < 1000; i++) {
        int status = c.get("faults.test", "/fault/thirty/" + i).status(); // a direct response when not aborted
        assertTrue(status == 200 || status == 503, "status " + status);
        if (status == 503) {
          aborted++;
        }
      }
    }
    assertTrue(aborted >= 250 && aborted <= 350, aborted + " of 1000 aborted, expected 300 ± 50");
  }

  @Test
  void routeOverrideDisablesTheVirtualHostFault() throws Exception {
    Curl.Result r = Curl.run("-H", "Host: faults.test", url("/fault/off"));
    assertEquals(200, r.status(), r.toString());
    assertEquals("echo", r.header("x-backend"));
  }

  @Test
  void responseRateLimitPacesTheBody() throws Exception {
    long start = System.nanoTime();
    Curl.Result r = Curl.run("-H", "Host: faults.test", url("/fault/throttle"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status());
    assertEquals(4096, r.body().length());
    // 8 KiB/s: the first 409 bytes at once, the rest in 50 ms slices (about 450 ms).
    assertTrue(ms >= 350 && ms < 5000, "took " + ms + " ms");
  }

  // ---- cors ----

  @Test
  void corsPreflightIsAnsweredByTheProxy() throws Exception {
    int before = backendRequests.get();
    Curl.Result r = Curl.run("-X", "OPTIONS", "-H", "Host: cors.test", "-H", "Origin: https://app.example.com",
        "-H", "Access-Control-Request-Method: PUT", "-H", "Access-Control-Request-Headers: x-token", url("/api"));
    assertEquals(200, r.status(), r.toString());
    assertEquals("https://app.example.com", r.header("access-control-allow-origin"));
    assertEquals("GET, PUT", r.header("access-control-allow-methods"));
    assertEquals("content-type, x-token", r.header("access-control-allow-headers"));
    assertEquals("3600", r.header("access-control-max-age"));
    assertEquals("true", r.header("access-control-allow-credentials"));
    assertEquals("", r.body());
    assertEquals(before, backendRequests.get(), "the preflight is not forwarded");
    assertAccessLogged("200 - /api cors_response");
  }

  @Test
  void corsActualRequestGetsAllowOrigin() throws Exception {
    Curl.Result ok = Curl.run("-H", "Host: cors.test", "-H", "Origin: https://api.trusted.org", url("/data"));
    assertEquals(200, ok.status());
    assertEquals("echo", ok.header("x-backend"));
    assertEquals("https://api.trusted.org", ok.header("access-control-allow-origin"));
    assertEquals("x-backend", ok.header("access-control-expose-headers"));
    Curl.Result other = Curl.run("-H", "Host: cors.test", "-H", "Origin: https://evil.example", url("/data"));
    assertEquals(200, other.status());
    assertNull(other.header("access-control-allow-origin"));
    assertTrue(stat("http.filters.cors.origin_valid") >= 1);
    assertTrue(stat("http.filters.cors.origin_invalid") >= 1);
  }

  // ---- local rate limit ----

  @Test
  void localRateLimitAllowsTheBucketThenAnswers429() throws Exception {
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, c.get("ratelimit.test", "/limited/" + i).status(), "request " + i);
      }
      RawHttpClient.Response limited = c.get("ratelimit.test", "/limited/over");
      assertEquals(429, limited.status());
      assertEquals("true", limited.headers().get("x-local-rate-limit"));
      assertEquals("local_rate_limited", limited.text());
    }
    assertAccessLogged("429 RL /limited/over local_rate_limited");
    assertEquals(1, stat("e2e_route_limit.http_local_rate_limit.rate_limited"));
    assertEquals(3, stat("e2e_route_limit.http_local_rate_limit.ok"));
  }

  // ---- buffer ----

  @Test
  void bufferedChunkedUploadArrivesWholeWithContentLength() throws Exception {
    byte[][] chunks = new byte[10][];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = new byte[1000];
      Arrays.fill(chunks[i], (byte) ('a' + i));
    }
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      RawHttpClient.Response r = c.send("POST", "buffer.test", "/upload", chunks);
      assertEquals(200, r.status(), r.text());
      assertEquals("POST /upload cl=10000 te=null len=10000", r.text());
      RawHttpClient.Response streamed = c.send("POST", "buffer.test", "/unbuffered", chunks);
      assertEquals("POST /unbuffered cl=null te=chunked len=10000", streamed.text());
    }
  }

  @Test
  void bufferOverTheLimitIs413() throws Exception {
    long tooLarge = stat("http.filters.downstream_rq_too_large");
    byte[][] chunks = new byte[9][];
    Arrays.fill(chunks, new byte[8192]); // 72 KiB, the limit is 64 KiB
    int before = backendRequests.get();
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      RawHttpClient.Response r = c.send("POST", "buffer.test", "/too-big", chunks);
      assertEquals(413, r.status());
      assertEquals("Payload Too Large", r.text());
    }
    assertEquals(before, backendRequests.get());
    assertEquals(tooLarge + 1, stat("http.filters.downstream_rq_too_large"));
    assertAccessLogged("413 - /too-big request_payload_too_large");
  }

  @Test
  void configJavoyDoesNotImplementIsRejectedWithItsPath() throws Exception {
    String yaml = Files.readString(dir.resolve("envoy.yaml")).replace(
        "\"@type\": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault\n          - name",
        "\"@type\": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault\n"
            + "              filter_metadata: {injected: yes}\n          - name");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, yaml);
    Process p = new ProcessBuilder(JavoyProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main",
        "--mode", "validate", "-c", bad.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(p.exitValue() != 0, out);
    assertTrue(out.contains("http_filters[0].typed_config.filter_metadata"), out);
  }

  private static long stat(String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + name).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    throw new AssertionError("no stat " + name);
  }

  private static void assertAccessLogged(String expected) throws Exception {
    String content = AccessLogFile.await(accessLog, expected, 5_000);
    if (!content.contains(expected)) {
      throw new AssertionError("access log lacks '" + expected + "':\n" + content);
    }
  }
}
