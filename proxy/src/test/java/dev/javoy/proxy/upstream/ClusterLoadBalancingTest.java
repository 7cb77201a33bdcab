package dev.javoy.proxy.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.lb.LbPolicy;
import dev.javoy.proxy.upstream.lb.PriorityLevel;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cluster's load balancing from config to host set: localities, overprovisioning, health recomputation. */
class ClusterLoadBalancingTest {
  private final StatsStore stats = new StatsStore();
  private final ClusterFactory factory = new ClusterFactory(stats, List.of(), (c, p) -> {
    throw new ConfigException(p, "no DNS here");
  });

  private static Cluster cluster(String json) throws Exception {
    Cluster.Builder b = Cluster.newBuilder();
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry()).merge(json, b);
    return b.build();
  }

  private static String endpoint(int port) {
    return "{\"endpoint\": {\"address\": {\"socket_address\": {\"address\": \"127.0.0.1\", \"port_value\": "
        + port + "}}}}";
  }

  private UpstreamCluster start(String json) throws Exception {
    UpstreamCluster c = factory.create(cluster(json), "clusters[0]");
    c.initialize(() -> {});
    return c;
  }

  @Test
  void localitiesPrioritiesAndOverprovisioningComeFromTheLoadAssignment() throws Exception {
    UpstreamCluster c = start("""
        {"name": "c", "common_lb_config": {"locality_weighted_lb_config": {}},
         "load_assignment": {"policy": {"overprovisioning_factor": 100}, "endpoints": [
          {"locality": {"zone": "a"}, "load_balancing_weight": 1, "lb_endpoints": [%s, %s]},
          {"locality": {"zone": "b"}, "load_balancing_weight": 3, "lb_endpoints": [%s]},
          {"priority": 1, "lb_endpoints": [%s]}]}}
        """.formatted(endpoint(1001), endpoint(1002), endpoint(1003), endpoint(1004)));
    HostSet s = c.hosts();
    assertEquals(2, s.levelCount());
    PriorityLevel p0 = s.level(0);
    assertEquals(2, p0.localityCount());
    assertEquals("a", p0.locality(0).getZone());
    assertEquals(1, p0.localityWeight(0));
    assertEquals(3, p0.localityWeight(1));
    assertEquals(2, p0.hostsInLocality(0).length);
    assertEquals(100, s.assignmentPolicy().overprovisioningFactor());
    assertTrue(s.lbPolicy().localityWeighted());
    assertEquals(100, s.load().load(0));

    // one host of P0 goes down: with overprovisioning 100, P0 keeps 2/3 of the load
    s.level(0).hosts()[0].setHealthy(false);
    c.onHostHealthChanged();
    assertEquals(66, c.hosts().load().load(0));
    assertEquals(34, c.hosts().load().load(1));
    assertEquals(3, stats.gauge("cluster.c.membership_healthy").value());
    assertEquals(0.5 * 1, c.hosts().level(0).effectiveLocalityWeight(0));
  }

  @Test
  void ringHashStatsFollowTheTables() throws Exception {
    UpstreamCluster c = start("""
        {"name": "r", "lb_policy": "RING_HASH", "ring_hash_lb_config": {"minimum_ring_size": 8},
         "load_assignment": {"endpoints": [{"lb_endpoints": [%s, %s]}]}}
        """.formatted(endpoint(1001), endpoint(1002)));
    assertEquals(LbPolicy.Kind.RING_HASH, c.hosts().lbPolicy().kind());
    assertEquals(8, stats.gauge("cluster.r.ring_hash_lb.size").value());
    assertEquals(4, stats.gauge("cluster.r.ring_hash_lb.min_hashes_per_host").value());
    c.hosts().all().get(0).setHealthy(false);
    c.onHostHealthChanged(); // 50% healthy is no panic: one host left on the ring
    assertFalse(c.hosts().load().panic(0));
    assertEquals(8, stats.gauge("cluster.r.ring_hash_lb.max_hashes_per_host").value());
  }

  @Test
  void zeroOverprovisioningIsRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> start("""
        {"name": "z", "load_assignment": {"policy": {"overprovisioning_factor": 0},
         "endpoints": [{"lb_endpoints": [%s]}]}}
        """.formatted(endpoint(1001))));
    assertEquals("clusters[0].load_assignment.policy.overprovisioning_factor", e.path());
  }
}
