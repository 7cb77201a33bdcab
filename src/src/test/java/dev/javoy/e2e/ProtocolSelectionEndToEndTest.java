package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's legacy {@code protocol_selection: USE_DOWNSTREAM_PROTOCOL} (Istio 1.9's passthrough and inbound
 * clusters) end to end: through one cluster, an HTTP/1.1 request goes up as HTTP/1.1 and an h2c one as HTTP/2, as the
 * backend reports, with curl as the client. The same cluster's {@code track_remaining} circuit breaker gauges follow
 * a request in flight.
 */
class ProtocolSelectionEndToEndTest {
  @TempDir
  static Path dir;
  static JavoyProcess javoy;
  static ProtocolReportingBackend backend;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    backend = new ProtocolReportingBackend();
    int admin = JavoyProcess.freePort();
    port = JavoyProcess.freePort();
    Path config = ConfigTemplate.render("/e2e/protocol_selection.yaml", Map.of("ADMIN", Integer.toString(admin),
        "PORT", Integer.toString(port), "BACKEND", Integer.toString(backend.port())), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void eachRequestGoesUpInItsDownstreamProtocol() throws Exception {
    for (int i = 0; i < 3; i++) {
      Curl.Result h1 = Curl.run("--http1.1", "http://127.0.0.1:" + port + "/h1");
      assertEquals(200, h1.status());
      assertEquals("HTTP/1.1", h1.body());
      Curl.Result h2 = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + port + "/h2");
      assertEquals(200, h2.status());
      assertEquals("HTTP/2", h2.body());
    }
    assertTrue(ConfigTemplate.stat(javoy, "cluster.backend.upstream_rq_200") >= 6);
    // one HTTP/2 connection per worker at most (each worker has its own pools; --concurrency 2)
    long h2 = ConfigTemplate.stat(javoy, "cluster.backend.upstream_cx_http2_total");
    assertTrue(h2 >= 1 && h2 <= 2, "upstream_cx_http2_total " + h2);
    assertTrue(ConfigTemplate.stat(javoy, "cluster.backend.upstream_cx_http1_total") >= 1);
  }

  @Test
  void trackRemainingGaugesFollowARequestInFlight() throws Exception {
    String p = "cluster.backend.circuit_breakers.default.";
    assertEquals(100, ConfigTemplate.stat(javoy, p + "remaining_rq"));
    assertEquals(4294967295L, ConfigTemplate.stat(javoy, p + "remaining_retries")); // Istio's "no limit"
    assertEquals(1024, ConfigTemplate.stat(javoy, p + "remaining_pending"));
    assertEquals(0, ConfigTemplate.stat(javoy, p + "rq_open"));
    java.util.concurrent.CompletableFuture<Curl.Result> slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return Curl.run("--http1.1", "http://127.0.0.1:" + port + "/slow");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long deadline = System.nanoTime() + 10_000_000_000L;
    long remaining = 100;
    while (remaining != 99 && System.nanoTime() < deadline && !slow.isDone()) {
      remaining = ConfigTemplate.stat(javoy, p + "remaining_rq");
      Thread.sleep(50);
    }
    assertEquals(99, remaining, "remaining_rq while the slow request is in flight");
    assertEquals(200, slow.get(30, java.util.concurrent.TimeUnit.SECONDS).status());
    assertEquals(100, ConfigTemplate.awaitStat(javoy, p + "remaining_rq", 100));
  }
}
