package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream timings with the worker loop's cached clock (LoopClock): a backend that answers after 300 ms shows at least
 * that in x-envoy-upstream-service-time and in the access log's %DURATION% and %RESPONSE_DURATION%, a fast one far
 * less; %START_TIME% is the wall clock of the request's start.
 */
class StreamTimingEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int httpPort;
  static Path log;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("timing", 4, ex -> {
      ex.getRequestBody().readAllBytes();
      if (ex.getRequestURI().getPath().startsWith("/late")) {
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
    });
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    log = dir.resolve("access.log");
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${HTTP}", Integer.toString(httpPort))
        .replace("${A}", Integer.toString(backend.getAddress().getPort()))
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

  @Test
  void durationsAndUpstreamServiceTimeCountTheWait() throws Exception {
    long before = System.currentTimeMillis();
    try (RawHttpClient c = new RawHttpClient(httpPort)) {
      for (int i = 0; i < 5; i++) {
        var fast = c.get("svc", "/fast", "x-test-id", "fast" + i);
        assertEquals(200, fast.status());
        var late = c.get("svc", "/late", "x-test-id", "late" + i);
        assertEquals(200, late.status());
        long serviceTime = Long.parseLong(late.headers().get("x-envoy-upstream-service-time"));
        assertTrue(serviceTime >= 300 && serviceTime < 10_000, "x-envoy-upstream-service-time " + serviceTime);
      }
    }
    long after = System.currentTimeMillis();
    Map<String, String[]> byId = awaitLog(10);
    int fastUnder300 = 0;
    for (int i = 0; i < 5; i++) {
      String[] late = byId.get("late" + i);
      long duration = Long.parseLong(late[1]);
      long responseDuration = Long.parseLong(late[2]);
      assertTrue(duration >= 300 && duration < 10_000, "late %DURATION% " + duration);
      assertTrue(responseDuration >= 300 && responseDuration <= duration, "late %RESPONSE_DURATION% " + responseDuration);
      long startMs = Long.parseLong(late[3]);
      assertTrue(startMs >= before - 1000 && startMs <= after + 1000, "late %START_TIME% " + startMs);
      String[] fast = byId.get("fast" + i);
      long fastDuration = Long.parseLong(fast[1]);
      assertTrue(fastDuration >= 0 && fastDuration < 10_000, "fast %DURATION% " + fastDuration);
      fastUnder300 += fastDuration < 300 ? 1 : 0;
    }
    assertTrue(fastUnder300 >= 3, fastUnder300 + " of 5 fast requests under 300 ms (a loaded machine may stall one)");
    assertTrue(ConfigTemplate.stat(javoy, "cluster.a.upstream_rq_completed") >= 10);
  }

  private static Map<String, String[]> awaitLog(int lines) throws Exception {
    Map<String, String[]> byId = AccessLogFile.awaitById(log, lines, 15_000);
    assertEquals(lines, byId.size(), "access log lines");
    return byId;
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
                stat_prefix: timing
                codec_type: AUTO
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: ${LOG}
                    log_format:
                      text_format_source:
                        inline_string: "%REQ(X-TEST-ID)% %DURATION% %RESPONSE_DURATION% %START_TIME(%s%3f)%\\n"
                route_config:
                  name: local_route
                  virtual_hosts:
                  - name: svc
                    domains: ["*"]
                    routes:
                    - match: { prefix: "/" }
                      route: { cluster: a }
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
      """;
}
