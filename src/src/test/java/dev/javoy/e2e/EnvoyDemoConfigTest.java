package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's own container-image config ({@code envoy-demo.yaml} from the conformance corpus) served by javoy:
 * {@code curl localhost:10000/} returns the demo page through both listeners — listener_0 routes to the
 * loopback cluster, which is listener_1, whose empty route table answers 404 with the page from its
 * {@code local_reply_config}.
 */
class EnvoyDemoConfigTest {
  @TempDir
  Path dir;

  @Test
  void servesTheDemoPageThroughTwoListeners() throws Exception {
    Path demo = Conformance.root().resolve("envoy-configs/envoy-demo.yaml");
    Assumptions.assumeTrue(Files.exists(demo), "conformance corpus absent: " + demo);
    String yaml = Files.readString(demo);
    int admin = JavoyProcess.freePort();
    // The corpus config has no admin; add one so the test can wait for readiness. Ports stay Envoy's.
    Path config = dir.resolve("envoy-demo.yaml");
    Files.writeString(config, yaml);
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2",
        "--config-yaml", "{admin: {address: {socket_address: {address: 127.0.0.1, port_value: " + admin + "}}}}")) {
      Curl.Result r = Curl.run("http://localhost:10000/");
      assertEquals(404, r.status(), r.toString());
      assertEquals("text/html; charset=UTF-8", r.header("content-type"));
      assertTrue(r.body().contains("<h1>Welcome to Envoy</h1>"), r.body());
      String stats = javoy.admin("/stats?filter=loopback");
      assertTrue(stats.contains("cluster.loopback.upstream_rq_404: 1"), stats);
    }
  }
}
