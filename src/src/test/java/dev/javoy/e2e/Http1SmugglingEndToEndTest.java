package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request smuggling and limits over raw sockets against an HTTP/1.1 listener with a real backend that records
 * every request it gets: each malformed request gets Envoy's status (400 / 431 / 408 / 501), the connection
 * closes, a normal request on a new connection still works, and the backend never sees a smuggled request.
 */
class Http1SmugglingEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int httpPort;
  /** A listener with stream_idle_timeout: 1s and no request timeouts. */
  static int idlePort;
  /** An HTTP/2 (prior knowledge) listener with max_connection_duration: 1s and drain_timeout: 0.5s. */
  static int h2Port;
  /** "METHOD path body" of each request the backend got. */
  static final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    backend.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "backend");
      t.setDaemon(true);
      return t;
    }));
    backend.createContext("/", ex -> {
      try (ex) {
        byte[] in = ex.getRequestBody().readAllBytes();
        if (ex.getRequestURI().getPath().startsWith("/hang")) {
          try {
            Thread.sleep(3000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + new String(in, StandardCharsets.ISO_8859_1));
        byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      }
    });
    backend.start();
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    idlePort = JavoyProcess.freePort();
    h2Port = JavoyProcess.freePort();
    Path config = ConfigTemplate.render("/e2e/smuggling.yaml", Map.of("ADMIN", Integer.toString(admin),
        "HTTP", Integer.toString(httpPort), "IDLE", Integer.toString(idlePort), "H2", Integer.toString(h2Port), "BACKEND", Integer.toString(backend.getAddress().getPort())), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "info");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backend.stop(0);
  }

  /** After every attack: a normal request on a new connection works and nothing smuggled reached the backend. */
  @AfterEach
  void poolStaysClean() throws Exception {
    Result r = exchange("GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
    assertEquals(200, r.status, r.raw);
    assertTrue(r.raw.endsWith("ok"), r.raw);
    Thread.sleep(50);
    try {
      for (String s : seen) {
        assertTrue(!s.contains("smuggled"), "the backend saw a smuggled request: " + seen);
      }
    } finally {
      seen.clear();
    }
  }

  record Result(int status, String raw, boolean closed) {}

  /** Writes {@code request} (ISO-8859-1) after {@code pauseMs}, reads until the server closes or 5 s pass. */
  private static Result exchange(String request, long pauseMs) throws IOException, InterruptedException {
    return exchange(httpPort, request, pauseMs);
  }

  private static Result exchange(int port, String request, long pauseMs) throws IOException, InterruptedException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      boolean closed = false;
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          b.write(buf, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (SocketException e) {
        closed = true; // reset after the answer
      }
      String raw = b.toString(StandardCharsets.ISO_8859_1);
      int status = raw.startsWith("HTTP/1.1 ") ? Integer.parseInt(raw.substring(9, 12)) : -1;
      return new Result(status, raw, closed);
    }
  }

  private static void assertRejected(int status, String request) throws Exception {
    Result r = exchange(request, 0);
    assertEquals(status, r.status, r.raw);
    assertTrue(r.closed, "connection left open: " + r.raw);
    assertTrue(r.raw.toLowerCase().contains("connection: close"), r.raw);
    assertEquals(1, r.raw.split("HTTP/1.1 ", -1).length - 1, "one response only: " + r.raw);
  }

  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

  @Test
  void contentLengthAndTransferEncoding() throws Exception {
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
        + "0\r\n\r\n" + SMUGGLED);
  }

  @Test
  void transferEncodingOtherThanChunked() throws Exception {
    assertRejected(501, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED);
    assertRejected(501, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" + SMUGGLED);
  }

  @Test
  void conflictingContentLength() throws Exception {
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 36\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 36\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: +36\r\n\r\n" + SMUGGLED);
  }

  @Test
  void badChunkSizes() throws Exception {
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "10000000000000001\r\nhi\r\n0\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nhi\r\n0\r\n\r\n" + SMUGGLED);
  }

  @Test
  void obsFold() throws Exception {
    assertRejected(400, "GET /a HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nX-Pad: a\r\n Content-Length: 36\r\n\r\n" + SMUGGLED);
  }

  @Test
  void bareCrAndLf() throws Exception {
    assertRejected(400, "GET /a HTTP/1.1\rHost: x\r\n\r\n" + SMUGGLED);
    assertRejected(400, "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n" + SMUGGLED);
    assertRejected(400, "GET /a HTTP/1.1\nHost: x\n\n" + SMUGGLED);
    assertRejected(400, "GET /a HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n" + SMUGGLED);
  }

  @Test
  void headerNamesWithSpaces() throws Exception {
    assertRejected(400, "GET /a HTTP/1.1\r\nHost: x\r\nX Bad: a\r\n\r\n" + SMUGGLED);
    assertRejected(400, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length : 36\r\n\r\n" + SMUGGLED);
  }

  @Test
  void oversizedRequestLineAndHeaders() throws Exception {
    assertRejected(431, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertRejected(431, "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");
  }

  @Test
  void tooManyHeaders() throws Exception {
    StringBuilder h = new StringBuilder("GET /a HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 25; i++) {
      h.append("X-H").append(i).append(": v\r\n");
    }
    assertRejected(431, h + "\r\n" + SMUGGLED);
  }

  @Test
  void slowHeaders() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.ingress.downstream_rq_header_timeout");
    long t0 = System.nanoTime();
    Result r = exchange("GET /a HTTP/1.1\r\nHost: x\r\n", 0); // never finished
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(408, r.status, r.raw);
    assertTrue(r.closed, r.raw);
    assertTrue(r.raw.endsWith("request header timeout"), r.raw);
    assertTrue(ms >= 900 && ms < 4000, "took " + ms + " ms");
    assertEquals(before + 1, ConfigTemplate.stat(javoy, "http.ingress.downstream_rq_header_timeout"));
    assertTrue(seen.isEmpty(), seen.toString());
  }

  @Test
  void slowBody() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.ingress.downstream_rq_timeout");
    Result r = exchange("POST /slowbody HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 0);
    assertEquals(408, r.status, r.raw);
    assertTrue(r.closed, r.raw);
    assertTrue(r.raw.endsWith("request timeout"), r.raw);
    assertEquals(before + 1, ConfigTemplate.stat(javoy, "http.ingress.downstream_rq_timeout"));
    Thread.sleep(200);
    assertTrue(seen.stream().noneMatch(s -> s.startsWith("POST /slowbody")), seen.toString());
  }

  @Test
  void streamIdleTimeoutWhileWaitingForTheUpstreamIs504() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.idle.downstream_rq_idle_timeout");
    long t0 = System.nanoTime();
    Result r = exchange(idlePort, "GET /hang HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(504, r.status, r.raw);
    assertTrue(r.raw.endsWith("stream timeout"), r.raw);
    assertTrue(ms >= 900 && ms < 2900, "took " + ms + " ms");
    assertEquals(before + 1, ConfigTemplate.stat(javoy, "http.idle.downstream_rq_idle_timeout"));
    Thread.sleep(2500); // let the backend finish its /hang before the next test counts requests
    seen.clear();
  }

  @Test
  void streamIdleTimeoutWhileTheRequestArrivesIs408() throws Exception {
    Result r = exchange(idlePort, "POST /partial HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 0);
    assertEquals(408, r.status, r.raw);
    assertTrue(r.closed, r.raw);
    assertTrue(r.raw.endsWith("stream timeout"), r.raw);
  }

  @Test
  void maxConnectionDurationClosesAKeptAliveConnection() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.idle.downstream_cx_max_duration_reached");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), idlePort)) {
      s.setSoTimeout(5000);
      long t0 = System.nanoTime();
      s.getOutputStream().write("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int n; (n = in.read()) >= 0; ) {
        b.write(n);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      String raw = b.toString(StandardCharsets.ISO_8859_1);
      assertTrue(raw.startsWith("HTTP/1.1 200") && raw.endsWith("ok"), raw);
      assertTrue(!raw.toLowerCase().contains("connection: close"), raw);
      assertTrue(ms >= 1500 && ms < 4500, "closed after " + ms + " ms");
    }
    assertEquals(before + 1, ConfigTemplate.awaitStat(javoy, "http.idle.downstream_cx_max_duration_reached", before + 1));
  }

  @Test
  void delayedCloseWaitsForThePeerThenCloses() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.idle.downstream_cx_delayed_close_timeout");
    long t0 = System.nanoTime();
    Result r = exchange(idlePort, "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(200, r.status, r.raw);
    assertTrue(r.closed, r.raw);
    assertTrue(ms >= 900 && ms < 3000, "closed after " + ms + " ms (default delayed_close_timeout 1 s)");
    assertEquals(before + 1, ConfigTemplate.awaitStat(javoy, "http.idle.downstream_cx_delayed_close_timeout", before + 1));
  }

  /** {@code --mode validate} of the suite's bootstrap with {@code from} replaced by {@code to}: its output. */
  private static String validate(String from, String to, boolean ok) throws Exception {
    String yaml = Files.readString(dir.resolve("envoy.yaml"), StandardCharsets.UTF_8);
    assertTrue(yaml.contains(from), from);
    Path bad = dir.resolve("validate.yaml");
    Files.writeString(bad, yaml.replace(from, to));
    Process p = new ProcessBuilder(JavoyProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main",
        "--mode", "validate", "-c", bad.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(ok, p.exitValue() == 0, out);
    return out;
  }

  @Test
  void unimplementedOrNegativeTimeoutsAreRejectedByPath() throws Exception {
    String at = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.";
    String out = validate("max_headers_count: 20", "max_headers_count: 20\n            max_stream_duration: 1s", false);
    assertTrue(out.contains(at + "common_http_protocol_options.max_stream_duration"), out);
    out = validate("stream_idle_timeout: 10s", "stream_idle_timeout: -1s", false);
    assertTrue(out.contains(at + "stream_idle_timeout"), out);
    validate("stream_idle_timeout: 10s", "stream_idle_timeout: 0s", true);
  }

  @Test
  void http2MaxConnectionDurationDrainsInTwoGoaways() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.h2.downstream_cx_max_duration_reached");
    long t0 = System.nanoTime(); // before connecting: max_connection_duration runs from the connection's start
    try (RawH2Connection c = RawH2Connection.open(h2Port)) {
      c.headers(1, RawH2Connection.request("GET", "/hang"), true); // 3 s at the backend
      List<Long> goaways = new java.util.ArrayList<>();
      List<Long> at = new java.util.ArrayList<>();
      String status = null;
      for (RawH2Connection.Frame f; status == null && (f = c.readFrame()) != null; ) {
        if (f.type() == RawH2Connection.GOAWAY) {
          goaways.add(java.nio.ByteBuffer.wrap(f.payload()).getInt() & 0x7fffffffL);
          at.add((System.nanoTime() - t0) / 1_000_000);
        } else if (f.type() == RawH2Connection.HEADERS && f.stream() == 1) {
          status = c.decode(f).status().toString();
        }
      }
      assertEquals("200", status, "the stream in flight finishes");
      assertEquals(List.of((long) Integer.MAX_VALUE, 1L), goaways, "shutdown notice, then the final GOAWAY at " + at);
      assertTrue(at.get(0) >= 800 && at.get(1) - at.get(0) >= 400, "GOAWAYs at " + at);
      assertTrue(c.awaitClose(5_000), "the connection closes after its last stream");
    }
    assertEquals(before + 1, ConfigTemplate.stat(javoy, "http.h2.downstream_cx_max_duration_reached"));
    Thread.sleep(100);
    seen.clear();
  }

  @Test
  void pipelinedValidRequestsStillWork() throws Exception {
    Result r = exchange("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
    assertEquals(200, r.status, r.raw);
    assertEquals(2, r.raw.split("HTTP/1.1 200", -1).length - 1, r.raw);
    assertEquals(List.of("GET /p1 ", "GET /p2 "), List.copyOf(seen));
  }
}
