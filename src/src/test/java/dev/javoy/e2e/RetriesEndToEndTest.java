package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's router retries through a javoy process: a backend that fails a request's first N attempts, a backend
 * that always fails, a closed port. Retries on the configured conditions only, x-envoy-attempt-count, URX when
 * exhausted, per_try_timeout, previous_hosts, the POST body replayed, the route policy overriding the virtual
 * host's.
 */
class RetriesEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer flaky;
  static HttpServer bad;
  static HttpServer good;
  static JavoyProcess javoy;
  static int httpPort;
  static Path accessLog;
  /** Requests seen by the flaky backend, by request id (the path's last segment). */
  static final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    flaky = flakyBackend();
    bad = server("BAD", 503);
    good = TestBackends.http("G");
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    int closed = JavoyProcess.freePort();
    accessLog = dir.resolve("access.log");
    Path config = ConfigTemplate.write(CONFIG, Map.of("ADMIN", Integer.toString(admin),
        "HTTP", Integer.toString(httpPort),
        "FLAKY", Integer.toString(flaky.getAddress().getPort()),
        "BAD", Integer.toString(bad.getAddress().getPort()),
        "GOOD", Integer.toString(good.getAddress().getPort()),
        "CLOSED", Integer.toString(closed),
        "ACCESS_LOG", accessLog.toString()), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "warning",
        "--file-flush-interval-msec", "100");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    flaky.stop(0);
    bad.stop(0);
    good.stop(0);
  }

  /**
   * {@code /<anything>/<id>?fail=N&code=C&sleep=MS}: the first N requests with that id answer C (or, with
   * sleep, answer 200 after MS ms); later ones answer 200 with {@code F n=<count> attempt=<x-envoy-attempt-count>
   * body=<body>}.
   */
  static HttpServer flakyBackend() throws IOException {
    return TestBackends.http("flaky", 8, ex -> {
      try {
        byte[] in = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        int n = seen.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), k -> new AtomicInteger())
            .incrementAndGet();
        int fail = param(query, "fail", 0);
        int code = param(query, "code", 503);
        int sleep = param(query, "sleep", 0);
        if (n <= fail) {
          if (sleep > 0) {
            Thread.sleep(sleep);
          } else {
            ex.getResponseHeaders().set("X-Backend", "F");
            ex.sendResponseHeaders(code, -1);
            return;
          }
        }
        byte[] out = ("F n=" + n + " attempt=" + ex.getRequestHeaders().getFirst("x-envoy-attempt-count")
            + " body=" + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("X-Backend", "F");
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      } catch (InterruptedException | IOException e) {
        // the proxy gave up on this attempt
      }
    });
  }

  static HttpServer server(String name, int code) throws IOException {
    return TestBackends.http(name, 2, ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("X-Backend", name);
      ex.sendResponseHeaders(code, -1);
    });
  }

  private static int param(String query, String name, int dflt) {
    for (String kv : query.split("&")) {
      if (kv.startsWith(name + "=")) {
        return Integer.parseInt(kv.substring(name.length() + 1));
      }
    }
    return dflt;
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  private static int count(String id) {
    AtomicInteger n = seen.get(id);
    return n == null ? 0 : n.get();
  }

  /** The access log line of the request with path {@code path}: "path code flags attempts". */
  private static String logLine(String path) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(accessLog)) {
        for (String line : Files.readAllLines(accessLog)) {
          if (line.startsWith(path + " ")) {
            return line;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no access log line for " + path + " in:\n"
        + (Files.exists(accessLog) ? Files.readString(accessLog) : ""));
  }

  private long stat(String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + name).split("\n")) {
      int c = line.indexOf(": ");
      if (c > 0 && line.substring(0, c).equals(name)) {
        return Long.parseLong(line.substring(c + 2).trim());
      }
    }
    return 0;
  }

  @Test
  void virtualHostPolicyRetries5xxUntilSuccess() throws Exception {
    Curl.Result r = Curl.run(url("/vh/a1?fail=2&code=503"));
    assertEquals(200, r.status());
    assertEquals("F n=3 attempt=3 body=", r.body());
    assertEquals("3", r.header("x-envoy-attempt-count"));
    assertEquals(3, count("a1"));
    assertEquals("/vh/a1?fail=2&code=503 200 - 3", logLine("/vh/a1?fail=2&code=503"));
  }

  @Test
  void exhaustedRetriesAnswerTheLastFailureWithUrx() throws Exception {
    long before = stat("cluster.flaky.upstream_rq_retry_limit_exceeded");
    Curl.Result r = Curl.run(url("/vh/a2?fail=5&code=503"));
    assertEquals(503, r.status());
    assertEquals("F", r.header("x-backend"), "the upstream's own response");
    assertEquals(3, count("a2"), "1 try and num_retries 2");
    assertEquals("/vh/a2?fail=5&code=503 503 URX 3", logLine("/vh/a2?fail=5&code=503"));
    assertEquals(before + 1, stat("cluster.flaky.upstream_rq_retry_limit_exceeded"));
    assertTrue(stat("cluster.flaky.upstream_rq_retry") >= 2);
  }

  @Test
  void routePolicyOverridesAndRetriesOnItsConditionsOnly() throws Exception {
    Curl.Result r = Curl.run(url("/gw/b1?fail=1&code=500"));
    assertEquals(500, r.status(), "gateway-error does not retry a 500");
    assertEquals(1, count("b1"));
    r = Curl.run(url("/gw/b2?fail=1&code=502"));
    assertEquals(200, r.status());
    assertEquals(2, count("b2"));
    r = Curl.run(url("/none/b3?fail=1&code=503"));
    assertEquals(503, r.status(), "a route without a policy under a vhost with one uses the vhost's");
    r = Curl.run(url("/retriable/b4?fail=1&code=418"));
    assertEquals(200, r.status(), "retriable_status_codes");
    assertEquals(2, count("b4"));
  }

  @Test
  void requestHeaderAddsConditions() throws Exception {
    Curl.Result r = Curl.run("-H", "x-envoy-retry-on: retriable-4xx", url("/gw/c1?fail=1&code=409"));
    assertEquals(200, r.status());
    assertEquals(2, count("c1"));
    r = Curl.run("-H", "x-envoy-max-retries: 0", url("/vh/c2?fail=1&code=503"));
    assertEquals(503, r.status());
    assertEquals(1, count("c2"));
  }

  @Test
  void postBodyIsReplayed() throws Exception {
    Curl.Result r = Curl.run("-X", "POST", "--data-binary", "hello retries", url("/vh/d1?fail=1&code=503"));
    assertEquals(200, r.status());
    assertEquals("F n=2 attempt=2 body=hello retries", r.body());
  }

  @Test
  void bodyOverTheBufferLimitIsNotRetried() throws Exception {
    Path big = dir.resolve("big.txt");
    Files.writeString(big, "x".repeat(40_000));
    Curl.Result r = Curl.run("-X", "POST", "-H", "Expect:", "--data-binary", "@" + big, url("/vh/d2?fail=1&code=503"));
    assertEquals(503, r.status(), "40 KB is past the 16 KB buffer limit: no replay, no retry");
    assertEquals(1, count("d2"));
    r = Curl.run("-X", "POST", "-H", "Expect:", "--data-binary", "@" + big, url("/vh/d3"));
    assertEquals(200, r.status(), "without a failure the body streams through whatever its size");
    assertTrue(r.body().endsWith("x".repeat(100)), r.body().length() + " bytes");
  }

  @Test
  void perTryTimeoutRetries() throws Exception {
    Curl.Result r = Curl.run(url("/pertry/e1?fail=1&sleep=2000"));
    assertEquals(200, r.status());
    assertEquals("F n=2 attempt=2 body=", r.body());
    r = Curl.run(url("/pertry/e2?fail=5&sleep=600"));
    assertEquals(504, r.status());
    assertEquals("upstream request timeout", r.body());
    assertEquals("/pertry/e2?fail=5&sleep=600 504 UT,URX 2", logLine("/pertry/e2?fail=5&sleep=600"));
  }

  @Test
  void previousHostsAvoidsTheFailedHost() throws Exception {
    for (int i = 0; i < 20; i++) {
      Curl.Result r = Curl.run(url("/pair/f" + i));
      assertEquals(200, r.status(), r.body());
      assertEquals("G", r.header("x-backend"));
    }
  }

  @Test
  void connectFailureRetriesOnAnotherHost() throws Exception {
    for (int i = 0; i < 10; i++) {
      Curl.Result r = Curl.run(url("/connect/g" + i));
      assertEquals(200, r.status(), r.body());
      assertEquals("G", r.header("x-backend"));
    }
    Curl.Result r = Curl.run(url("/noretry-connect/h1"));
    assertEquals(503, r.status());
    assertEquals("/noretry-connect/h1 503 UF,URX 2", logLine("/noretry-connect/h1"));
  }

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: http
          address: {socket_address: {address: 127.0.0.1, port_value: ${HTTP}}}
          per_connection_buffer_limit_bytes: 16384
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: retries
                # Envoy >= 1.33 trusts no address unless told: loopback clients are internal here, so the
                # x-envoy-retry-on / x-envoy-max-retries they send are honoured
                use_remote_address: true
                internal_address_config: {cidr_ranges: [{address_prefix: 127.0.0.1, prefix_len: 32}]}
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: ${ACCESS_LOG}
                    log_format:
                      text_format_source:
                        inline_string: "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_REQUEST_ATTEMPT_COUNT%\\n"
                route_config:
                  name: retries
                  virtual_hosts:
                  - name: retries
                    domains: ["*"]
                    include_request_attempt_count: true
                    include_attempt_count_in_response: true
                    retry_policy:
                      retry_on: 5xx
                      num_retries: 2
                      retry_back_off: {base_interval: 0.005s}
                    routes:
                    - match: {prefix: /vh/}
                      route: {cluster: flaky}
                    - match: {prefix: /none/}
                      route: {cluster: flaky, retry_policy: {retry_on: reset}}
                    - match: {prefix: /gw/}
                      route:
                        cluster: flaky
                        retry_policy: {retry_on: gateway-error, num_retries: 3}
                    - match: {prefix: /retriable/}
                      route:
                        cluster: flaky
                        retry_policy: {retry_on: retriable-status-codes, retriable_status_codes: [418]}
                    - match: {prefix: /pertry/}
                      route:
                        cluster: flaky
                        timeout: 5s
                        retry_policy: {retry_on: reset, num_retries: 1, per_try_timeout: 0.3s}
                    - match: {prefix: /pair/}
                      route:
                        cluster: pair
                        retry_policy:
                          retry_on: 5xx
                          num_retries: 1
                          host_selection_retry_max_attempts: 20
                          retry_host_predicate:
                          - name: envoy.retry_host_predicates.previous_hosts
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate
                    - match: {prefix: /connect/}
                      route:
                        cluster: closed_and_good
                        retry_policy:
                          retry_on: connect-failure
                          num_retries: 1
                          host_selection_retry_max_attempts: 20
                          retry_host_predicate:
                          - name: envoy.retry_host_predicates.previous_hosts
                    - match: {prefix: /noretry-connect/}
                      route:
                        cluster: closed
                        retry_policy: {retry_on: connect-failure, num_retries: 1}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: flaky
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: flaky
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${FLAKY}}}}
        - name: pair
          type: STATIC
          connect_timeout: 1s
          lb_policy: RANDOM
          load_assignment:
            cluster_name: pair
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BAD}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${GOOD}}}}
        - name: closed_and_good
          type: STATIC
          connect_timeout: 1s
          lb_policy: RANDOM
          load_assignment:
            cluster_name: closed_and_good
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${CLOSED}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${GOOD}}}}
        - name: closed
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: closed
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${CLOSED}}}}
      """;
}
