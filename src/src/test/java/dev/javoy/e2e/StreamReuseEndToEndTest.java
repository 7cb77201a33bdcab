package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * javoy reuses a stream's filter instances and StreamInfo for later streams of the same worker (router-only filter
 * chains). One worker, keep-alive connections, and every kind of stream ending after one another — proxied GETs and
 * chunked POSTs, no route (NR), a dead cluster (UF), a direct response, the router's timeout (UT), a client that
 * goes away mid-request (DC), routes with a retry policy (unused, and exhausted: URX), HTTP/2 streams — and the
 * access log shows each request with its own facts only: nothing of the
 * stream before it (upstream host, route, flags, byte counts, details, request id) leaks into the next.
 */
class StreamReuseEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int httpPort;
  static Path log;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("A");
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    log = dir.resolve("access.log");
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${HTTP}", Integer.toString(httpPort))
        .replace("${A}", Integer.toString(backend.getAddress().getPort()))
        .replace("${DEAD}", Integer.toString(JavoyProcess.freePort()))
        .replace("${LOG}", log.toString());
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning",
        "--file-flush-interval-msec", "100");
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

  /** What one request must show in the access log. */
  record Expect(int code, String flags, boolean upstream, String route, long bytesIn, String details) {}

  @Test
  void everyStreamLogsOnlyItsOwnFacts() throws Exception {
    String a = "127.0.0.1:" + backend.getAddress().getPort();
    Map<String, Expect> expected = new HashMap<>();
    Set<String> requestIds = new HashSet<>();
    int n = 0;
    try (RawHttpClient c1 = new RawHttpClient(httpPort); RawHttpClient c2 = new RawHttpClient(httpPort)) {
      for (int round = 0; round < 40; round++) {
        RawHttpClient c = round % 2 == 0 ? c1 : c2;
        String id = "t" + n++;
        var r = c.get("svc", "/ok/" + id, "x-test-id", id);
        assertEquals(200, r.status());
        assertTrue(r.text().startsWith("A GET /ok/" + id), r.text());
        requestIds.add(r.headers().get("x-request-id"));
        expected.put(id, new Expect(200, "-", true, "ok", 0, "via_upstream"));

        id = "t" + n++;
        r = c.get("svc", "/nowhere/" + id, "x-test-id", id);
        assertEquals(404, r.status());
        requestIds.add(r.headers().get("x-request-id"));
        expected.put(id, new Expect(404, "NR", false, "-", 0, "route_not_found"));

        id = "t" + n++;
        byte[][] body = {"hello-".getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8)};
        r = c.send("POST", "svc", "/ok/post", body, "x-test-id", id);
        assertEquals(200, r.status());
        assertTrue(r.text().endsWith("body=hello-" + id), r.text());
        requestIds.add(r.headers().get("x-request-id"));
        expected.put(id, new Expect(200, "-", true, "ok", 6 + id.length(), "via_upstream"));

        id = "t" + n++;
        r = c.get("svc", "/direct", "x-test-id", id);
        assertEquals(200, r.status());
        assertEquals("direct", r.text());
        expected.put(id, new Expect(200, "-", false, "direct", 0, "direct_response"));

        id = "t" + n++;
        r = c.get("svc", "/dead", "x-test-id", id);
        assertEquals(503, r.status());
        requestIds.add(r.headers().get("x-request-id"));
        expected.put(id, new Expect(503, "UF", true, "dead", 0, null));

        // Routes with a retry policy: one that needs no retry, one whose retries are exhausted (URX).
        id = "t" + n++;
        r = c.get("svc", "/rok/" + id, "x-test-id", id);
        assertEquals(200, r.status());
        assertTrue(r.text().startsWith("A GET /rok/" + id), r.text());
        requestIds.add(r.headers().get("x-request-id"));
        expected.put(id, new Expect(200, "-", true, "rok", 0, "via_upstream"));

        if (round % 4 == 0) {
          id = "t" + n++;
          r = c.get("svc", "/rdead", "x-test-id", id);
          assertEquals(503, r.status());
          expected.put(id, new Expect(503, "~URX", true, "rdead", 0, null));
        }

        // HTTP/2 (prior knowledge) streams share the worker's reused objects with the HTTP/1.1 ones.
        id = "t" + n++;
        boolean found = round % 3 != 0;
        Curl.Result h2 = Curl.run("--http2-prior-knowledge", "-H", "x-test-id: " + id,
            "http://127.0.0.1:" + httpPort + (found ? "/ok/h2/" + id : "/h2-nowhere"));
        assertEquals(found ? 200 : 404, h2.status());
        assertTrue(h2.headers().startsWith("HTTP/2"), h2.headers());
        requestIds.add(h2.header("x-request-id"));
        expected.put(id, found ? new Expect(200, "-", true, "ok", 0, "via_upstream")
            : new Expect(404, "NR", false, "-", 0, "route_not_found"));

        if (round % 10 == 0) {
          id = "t" + n++;
          r = c.get("svc", "/slow/" + id, "x-test-id", id);
          assertEquals(504, r.status());
          expected.put(id, new Expect(504, "UT", true, "slow", 0, "upstream_response_timeout"));

          // A client that sends half a request and goes away: the stream ends with DC, mid-request.
          id = "t" + n++;
          try (java.net.Socket s = new java.net.Socket("127.0.0.1", httpPort)) {
            s.getOutputStream().write(("POST /ok/gone HTTP/1.1\r\nHost: svc\r\nx-test-id: " + id
                + "\r\ncontent-length: 100\r\n\r\npartial").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(200);
          }
          expected.put(id, new Expect(0, "DC", true, "ok", 7, null));
        }
      }
    }
    // A stream's clock starts with the stream, not when the object it reuses was freed.
    Thread.sleep(2000);
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      assertEquals(200, c.get("svc", "/ok/late", "x-test-id", "late").status());
    }
    expected.put("late", new Expect(200, "-", true, "ok", 0, "via_upstream"));
    assertEquals(240, requestIds.size(), "every response has its own x-request-id");
    Map<String, String[]> logged = awaitLog(expected.size());
    for (Map.Entry<String, Expect> e : expected.entrySet()) {
      String[] f = logged.get(e.getKey());
      Expect x = e.getValue();
      String where = e.getKey() + " " + String.join(" ", f == null ? new String[0] : f);
      assertTrue(f != null, "not logged: " + e.getKey());
      assertEquals(Integer.toString(x.code()), f[1], where);
      if (x.flags().equals("DC") || x.flags().startsWith("~")) {
        assertTrue(f[2].contains(x.flags().replace("~", "")), where);
      } else {
        assertEquals(x.flags(), f[2], where);
      }
      if (x.route().equals("ok")) {
        assertEquals(a, f[3], where);
      } else if (x.upstream()) {
        assertTrue(f[3].startsWith("127.0.0.1:"), where);
      } else {
        assertEquals("-", f[3], where);
      }
      assertEquals(x.route(), f[4], where);
      assertEquals(Long.toString(x.bytesIn()), f[5], where);
      if (x.details() != null) {
        assertEquals(x.details(), f[6], where);
      }
      assertTrue(f[7].equals("-") || f[7].length() == 36, where);
    }
    assertTrue(Long.parseLong(logged.get("late")[8]) < 1500, "duration of the late request: " + logged.get("late")[8]);
    // Nothing left behind: every upstream request and downstream stream ended.
    assertEquals(0, ConfigTemplate.stat(javoy, "cluster.a.upstream_rq_active"));
    assertEquals(0, ConfigTemplate.stat(javoy, "http.reuse.downstream_rq_active"));
  }

  private static Map<String, String[]> awaitLog(int lines) throws Exception {
    return AccessLogFile.awaitById(log, lines, 15_000);
  }

  static final String CONFIG = """
      admin:
        address: { socket_address: { address: 127.0.0.1, port_value: ${ADMIN} } }
      static_resources:
        listeners:
        - name: http
          address: { socket_address: { address: 127.0.0.1, port_value: ${HTTP} } }
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: reuse
                codec_type: AUTO
                always_set_request_id_in_response: true
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: ${LOG}
                    log_format:
                      text_format_source:
                        inline_string: "%REQ(X-TEST-ID)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_HOST% %ROUTE_NAME% %BYTES_RECEIVED% %RESPONSE_CODE_DETAILS% %REQ(X-REQUEST-ID)% %DURATION%\\n"
                route_config:
                  name: local_route
                  virtual_hosts:
                  - name: svc
                    domains: ["*"]
                    routes:
                    - name: ok
                      match: { prefix: "/ok" }
                      route: { cluster: a }
                    - name: rok
                      match: { prefix: "/rok" }
                      route:
                        cluster: a
                        retry_policy: { retry_on: "5xx,connect-failure", num_retries: 2 }
                    - name: rdead
                      match: { prefix: "/rdead" }
                      route:
                        cluster: dead
                        retry_policy:
                          retry_on: connect-failure
                          num_retries: 2
                          retry_back_off: { base_interval: 0.01s }
                    - name: slow
                      match: { prefix: "/slow" }
                      route: { cluster: a, timeout: 0.5s }
                    - name: dead
                      match: { prefix: "/dead" }
                      route: { cluster: dead }
                    - name: direct
                      match: { prefix: "/direct" }
                      direct_response: { status: 200, body: { inline_string: "direct" } }
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: a
          type: STATIC
          connect_timeout: 5s
          load_assignment:
            cluster_name: a
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${A} } } }
        - name: dead
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: dead
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${DEAD} } } }
      """;
}
