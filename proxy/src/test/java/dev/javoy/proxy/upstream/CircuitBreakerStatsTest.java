package dev.javoy.proxy.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.stats.StatsQuery;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.StatsTextFormatter;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's circuit breaker gauges: {@code *_open} always, {@code remaining_*} with {@code track_remaining}. */
class CircuitBreakerStatsTest {
  private final StatsStore stats = new StatsStore();
  private final ClusterFactory factory = new ClusterFactory(stats, List.of(), (c, p) -> {
    throw new ConfigException(p, "no DNS here");
  });

  private UpstreamCluster cluster(String json) throws Exception {
    Cluster.Builder b = Cluster.newBuilder();
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry()).merge(json, b);
    return factory.create(b.build(), "clusters[0]");
  }

  private long gauge(String name) {
    return stats.gauge(name).value();
  }

  @Test
  void trackRemainingPublishesLimitMinusCountAsResourcesComeAndGo() throws Exception {
    UpstreamCluster c = cluster("""
        {"name": "c", "circuit_breakers": {"thresholds": [
          {"max_connections": 2, "max_pending_requests": 3, "max_requests": 4, "max_retries": 1,
           "track_remaining": true},
          {"priority": "HIGH", "max_requests": 7, "track_remaining": true}]}}
        """);
    String p = "cluster.c.circuit_breakers.default.";
    assertEquals(2, gauge(p + "remaining_cx"));
    assertEquals(3, gauge(p + "remaining_pending"));
    assertEquals(4, gauge(p + "remaining_rq"));
    assertEquals(1, gauge(p + "remaining_retries"));
    assertEquals(4294967295L, gauge(p + "remaining_cx_pools"));
    assertEquals(0, gauge(p + "cx_open"));

    ResourceLimits r = c.resources();
    assertTrue(r.connections.tryAcquire());
    assertEquals(1, gauge(p + "remaining_cx"));
    assertEquals(0, gauge(p + "cx_open"));
    assertTrue(r.connections.tryAcquire());
    assertEquals(0, gauge(p + "remaining_cx"));
    assertEquals(1, gauge(p + "cx_open"));
    r.connections.release();
    assertEquals(1, gauge(p + "remaining_cx"));
    assertEquals(0, gauge(p + "cx_open"));

    assertTrue(r.retries.tryAcquire());
    assertEquals(0, gauge(p + "remaining_retries"));
    assertEquals(1, gauge(p + "rq_retry_open"));
    assertTrue(r.requests.tryAcquire());
    assertEquals(3, gauge(p + "remaining_rq"));
    assertEquals(0, gauge(p + "rq_open"));
    assertEquals(0, gauge(p + "rq_pending_open"));
    assertEquals(0, gauge(p + "cx_pool_open"));

    // the HIGH thresholds only give their gauges values (javoy routes at DEFAULT priority)
    assertEquals(7, gauge("cluster.c.circuit_breakers.high.remaining_rq"));
    assertEquals(1024, gauge("cluster.c.circuit_breakers.high.remaining_cx"));
    assertEquals(0, gauge("cluster.c.circuit_breakers.high.rq_open"));
  }

  @Test
  void withoutTrackRemainingOnlyTheOpenGaugesExist() throws Exception {
    UpstreamCluster c = cluster("""
        {"name": "d", "circuit_breakers": {"thresholds": [{"max_requests": 1}]}}
        """);
    assertEquals(0, gauge("cluster.d.circuit_breakers.default.rq_open"));
    assertTrue(c.resources().requests.tryAcquire());
    assertEquals(1, gauge("cluster.d.circuit_breakers.default.rq_open"));
    assertNull(stats.find("cluster.d.circuit_breakers.default.remaining_rq"));
    assertNull(stats.find("cluster.d.circuit_breakers.high.cx_open"));
  }

  @Test
  void aClusterReplacedByCdsRebindsItsGaugesToItsNewCounts() throws Exception {
    String json = """
        {"name": "e", "circuit_breakers": {"thresholds": [{"max_requests": 5, "track_remaining": true}]}}
        """;
    UpstreamCluster old = cluster(json);
    assertTrue(old.resources().requests.tryAcquire());
    assertEquals(4, gauge("cluster.e.circuit_breakers.default.remaining_rq"));
    UpstreamCluster replacement = cluster(json.replace("5", "9"));
    assertEquals(9, gauge("cluster.e.circuit_breakers.default.remaining_rq"));
    old.retire(); // the replaced version drains: the gauges keep reading the new counts
    assertEquals(9, gauge("cluster.e.circuit_breakers.default.remaining_rq"));
    replacement.retire(); // removed: its stats no longer keep it reachable
    assertEquals(0, gauge("cluster.e.circuit_breakers.default.remaining_rq"));
  }

  @Test
  void cxPoolOpenIsAMemberOfTheClusterStatFamilyAndListedAsBefore() throws Exception {
    UpstreamCluster c = cluster("""
        {"name": "g", "circuit_breakers": {"thresholds": [{"max_requests": 2}]}}
        """);
    // one of the family's slots, not a stat registered under its own name for every cluster
    assertSame(c.stats().cbCxPoolOpen, stats.find("cluster.g.circuit_breakers.default.cx_pool_open"));
    assertEquals(0, c.stats().cbCxPoolOpen.value());
    // /stats lists the same lines as when it was registered by name: once, sorted among the other gauges
    List<String> lines = StatsTextFormatter.format(stats.all(), StatsQuery.all()).lines()
        .filter(l -> l.startsWith("cluster.g.circuit_breakers.")).toList();
    assertEquals(List.of("cluster.g.circuit_breakers.default.cx_open: 0",
        "cluster.g.circuit_breakers.default.cx_pool_open: 0", "cluster.g.circuit_breakers.default.rq_open: 0",
        "cluster.g.circuit_breakers.default.rq_pending_open: 0", "cluster.g.circuit_breakers.default.rq_retry_open: 0"),
        lines);
  }

  @Test
  void unknownThresholdFieldsAreStillRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> cluster("""
        {"name": "f", "circuit_breakers": {"thresholds": [{"max_connection_pools": 3}]}}
        """));
    assertTrue(e.getMessage().contains("max_connection_pools"), e.getMessage());
  }
}
