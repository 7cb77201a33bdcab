package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * javoy's upstream HTTP/1.1 codec against a raw-socket backend that answers with exact bytes: 1xx before the
 * final response, HEAD/204 without a body (and the connection reused after them), chunked bodies with trailers,
 * close-delimited bodies, and malformed or oversized responses (503 UC, the connection dropped).
 */
class Http1UpstreamCodecEndToEndTest {
  @TempDir
  static Path dir;
  static ServerSocket backend;
  static JavoyProcess javoy;
  static int port;
  static int admin;
  static final AtomicInteger connections = new AtomicInteger();

  static final Map<String, String> RESPONSES = Map.of(
      "/continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
          + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "/head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Head: yes\r\n\r\n",
      "/nocontent", "HTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n",
      "/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n",
      "/close", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close",
      "/bad", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
      "/badheader", "HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 0\r\n\r\n",
      "/huge", "HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(70 * 1024) + "\r\nContent-Length: 0\r\n\r\n",
      "/ok", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

  @BeforeAll
  static void start() throws Exception {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!backend.isClosed()) {
        try {
          Socket s = backend.accept();
          connections.incrementAndGet();
          Thread c = new Thread(() -> serve(s), "raw-backend-conn");
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          // closed
        }
      }
    }, "raw-backend");
    t.setDaemon(true);
    t.start();
    admin = JavoyProcess.freePort();
    port = JavoyProcess.freePort();
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin)).replace("${PORT}", Integer.toString(port))
        .replace("${BACKEND}", Integer.toString(backend.getLocalPort()));
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backend.close();
  }

  /** One upstream connection: answers each request head by its path, keeps the connection unless told to close. */
  private static void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = HeaderCaseEndToEndTest.readHead(in);
        if (head.isEmpty()) {
          return;
        }
        String path = head.split(" ", 3)[1];
        String response = RESPONSES.getOrDefault(path, RESPONSES.get("/ok"));
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (path.equals("/close") || path.equals("/bad") || path.equals("/badheader") || path.equals("/huge")) {
          return;
        }
      }
    } catch (IOException e) {
      // javoy closed it
    }
  }

  /** Sends one request (Connection: close) and returns the whole raw response. */
  private static String exchange(String method, String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      s.getInputStream().transferTo(b);
      return b.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String body(String raw) {
    return raw.substring(raw.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void informationalResponsesAreNotForwarded() throws Exception {
    String r = exchange("GET", "/continue");
    assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
    assertFalse(r.contains("100 Continue") || r.contains("103"), r);
    assertEquals("ok", body(r));
  }

  @Test
  void headAnd204HaveNoBodyAndTheConnectionIsReused() throws Exception {
    exchange("GET", "/ok"); // an idle upstream connection exists
    int before = connections.get();
    String head = exchange("HEAD", "/head");
    assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
    assertTrue(head.toLowerCase().contains("content-length: 5\r\n"), head);
    assertEquals("", body(head));
    String nc = exchange("GET", "/nocontent");
    assertTrue(nc.startsWith("HTTP/1.1 204 No Content\r\n"), nc);
    assertEquals("", body(nc));
    assertEquals("ok", body(exchange("GET", "/ok")));
    assertEquals(before, connections.get(), "the same upstream connection served them all");
  }

  @Test
  void chunkedResponsesAreRelayedChunked() throws Exception {
    String r = exchange("GET", "/chunked");
    assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
    assertTrue(r.toLowerCase().contains("transfer-encoding: chunked\r\n"), r);
    String b = body(r);
    assertTrue(b.startsWith("3\r\nabc\r\n4\r\ndefg\r\n0\r\n"), b);
    assertTrue(b.endsWith("\r\n"), b);
  }

  @Test
  void closeDelimitedBodyIsRelayedWhole() throws Exception {
    String r = exchange("GET", "/close");
    assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
    String b = body(r);
    assertTrue(b.contains("until the close"), r); // chunked downstream: the bytes appear inside one chunk
  }

  @Test
  void malformedOrOversizedResponsesAre503UpstreamReset() throws Exception {
    for (String path : new String[] {"/bad", "/badheader", "/huge"}) {
      String r = exchange("GET", path);
      assertTrue(r.startsWith("HTTP/1.1 503 "), path + ": " + r);
      assertTrue(body(r).startsWith("upstream connect error or disconnect/reset before headers. reset reason: protocol error"),
          path + ": " + r);
    }
    assertEquals("ok", body(exchange("GET", "/ok")), "javoy still serves");
  }

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: main
          address: {socket_address: {address: 127.0.0.1, port_value: ${PORT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: main
                route_config:
                  virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: raw}}]}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        clusters:
        - name: raw
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: raw
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}}]}]
      """;
}
