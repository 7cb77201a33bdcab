package dev.javoy.proxy.upstream.lb;

import static dev.javoy.proxy.upstream.lb.LbTestHosts.host;
import static dev.javoy.proxy.upstream.lb.LbTestHosts.inLocality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Priority levels (overprovisioning, spill-over, normalization), panic mode and locality weights. */
class PriorityLoadTest {
  private final StatsStore store = new StatsStore();
  private final ClusterStats stats = new ClusterStats(store.scope("cluster.c."));

  /** {@code healthy} healthy and {@code total - healthy} unhealthy hosts at {@code priority}. */
  private static List<Host> level(int first, int total, int healthy, int priority) {
    List<Host> out = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      Host h = host(first + i, 1, priority);
      h.setHealthy(i < healthy);
      out.add(h);
    }
    return out;
  }

  private static int picksAt(Map<Host, Integer> counts, int priority) {
    int n = 0;
    for (Map.Entry<Host, Integer> e : counts.entrySet()) {
      if (e.getKey().priority() == priority) {
        n += e.getValue();
      }
    }
    return n;
  }

  @Test
  void halfHealthyP0TakesSeventyPercentAndSpillsTheRestToP1() {
    LbPolicy rr = LbTestHosts.policy(LbPolicy.Kind.ROUND_ROBIN);
    List<Host> hosts = new ArrayList<>(level(0, 4, 2, 0));
    hosts.addAll(level(10, 4, 4, 1));
    HostSet s = LbTestHosts.set(hosts, rr);
    assertEquals(70, s.load().load(0)); // min(100, 1.4 × 2/4 × 100)
    assertEquals(30, s.load().load(1));
    assertFalse(s.load().panic(0));
    Map<Host, Integer> n = LbTestHosts.count(rr.newLoadBalancer(stats), s, 10_000);
    assertEquals(7_000, picksAt(n, 0), 250);
    assertEquals(3_000, picksAt(n, 1), 250);
    for (Host h : hosts) {
      if (!h.healthy()) {
        assertNull(n.get(h));
      }
    }
  }

  @Test
  void overprovisioningFactorIsTheAssignmentPolicy() {
    List<Host> hosts = new ArrayList<>(level(0, 4, 2, 0));
    hosts.addAll(level(10, 4, 4, 1));
    HostSet s = new HostSet(hosts, new HostSet.AssignmentPolicy(100, false), LbPolicy.DEFAULT);
    assertEquals(50, s.load().load(0));
    assertEquals(50, s.load().load(1));
  }

  @Test
  void weightedPriorityHealthCountsWeights() {
    Host heavyHealthy = host(1, 3, 0);
    Host lightDown = host(2, 1, 0);
    lightDown.setHealthy(false);
    List<Host> hosts = new ArrayList<>(List.of(heavyHealthy, lightDown));
    hosts.addAll(level(10, 2, 2, 1));
    assertEquals(70, new HostSet(hosts, new HostSet.AssignmentPolicy(140, false), LbPolicy.DEFAULT)
        .load().load(0));
    assertEquals(100, new HostSet(hosts, new HostSet.AssignmentPolicy(140, true), LbPolicy.DEFAULT)
        .load().load(0)); // 1.4 × 3/4
  }

  @Test
  void lowTotalHealthIsNormalized() {
    List<Host> hosts = new ArrayList<>(level(0, 10, 2, 0)); // health 28
    hosts.addAll(level(20, 10, 1, 1)); // health 14
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
    b.panicThresholdPercent = 0; // no panic: loads stay normalized over healthy hosts
    HostSet s = LbTestHosts.set(hosts, b.build());
    assertEquals(67, s.load().load(0)); // 28/42 → 66, plus the rounding leftover
    assertEquals(33, s.load().load(1));
    assertFalse(s.load().panic(0));
  }

  @Test
  void panicRoutesToAllHostsOfTheLevelAndCounts() {
    LbPolicy rr = LbTestHosts.policy(LbPolicy.Kind.ROUND_ROBIN);
    List<Host> hosts = level(0, 4, 1, 0); // 25% healthy < 50%
    HostSet s = LbTestHosts.set(hosts, rr);
    assertTrue(s.load().panic(0));
    Map<Host, Integer> n = LbTestHosts.count(rr.newLoadBalancer(stats), s, 400);
    for (Host h : hosts) {
      assertEquals(100, n.get(h));
    }
    assertEquals(400, stats.lbHealthyPanic.value());
  }

  @Test
  void panicThresholdIsConfigurable() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
    b.panicThresholdPercent = 20;
    LbPolicy p = b.build();
    HostSet s = LbTestHosts.set(level(0, 4, 1, 0), p); // 25% ≥ 20%: no panic
    assertFalse(s.load().panic(0));
    Map<Host, Integer> n = LbTestHosts.count(p.newLoadBalancer(stats), s, 100);
    assertEquals(1, n.size());
    assertEquals(0, stats.lbHealthyPanic.value());
  }

  @Test
  void noPanicWhenLowerPrioritiesCoverTheLoad() {
    List<Host> hosts = new ArrayList<>(level(0, 4, 1, 0)); // 25% healthy, but P1 makes availability 100
    hosts.addAll(level(10, 4, 4, 1));
    HostSet s = LbTestHosts.set(hosts, LbPolicy.DEFAULT);
    assertFalse(s.load().panic(0));
    assertEquals(35, s.load().load(0));
    assertEquals(65, s.load().load(1));
  }

  @Test
  void totalPanicSpreadsByHostCount() {
    List<Host> hosts = new ArrayList<>(level(0, 2, 0, 0));
    hosts.addAll(level(10, 6, 0, 1));
    HostSet s = LbTestHosts.set(hosts, LbPolicy.DEFAULT);
    assertTrue(s.load().totalPanic());
    assertEquals(25, s.load().load(0));
    assertEquals(75, s.load().load(1));
  }

  @Test
  void disabledPanicWithNothingHealthyFindsNoHost() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
    b.panicThresholdPercent = 0;
    LbPolicy p = b.build();
    HostSet s = LbTestHosts.set(level(0, 3, 0, 0), p);
    assertNull(p.newLoadBalancer(stats).choose(s));
  }

  @Test
  void healthChangeIsSeenAfterRecompute() {
    LbPolicy rr = LbTestHosts.policy(LbPolicy.Kind.ROUND_ROBIN);
    List<Host> hosts = level(0, 3, 3, 0);
    HostSet s = LbTestHosts.set(hosts, rr);
    hosts.get(0).setHealthy(false);
    HostSet after = s.withHealthChanged();
    Map<Host, Integer> n = LbTestHosts.count(rr.newLoadBalancer(stats), after, 100);
    assertNull(n.get(hosts.get(0)));
  }

  @Test
  void localityWeightsSplitTheLoad() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
    b.localityWeighted = true;
    LbPolicy p = b.build();
    List<Host> hosts = List.of(inLocality(1, "a", 1), inLocality(2, "a", 1), inLocality(3, "b", 3),
        inLocality(4, "b", 3));
    Map<Host, Integer> n = LbTestHosts.count(p.newLoadBalancer(stats), LbTestHosts.set(hosts, p), 8_000);
    assertEquals(2_000, n.get(hosts.get(0)) + n.get(hosts.get(1)), 10);
    assertEquals(6_000, n.get(hosts.get(2)) + n.get(hosts.get(3)), 10);
    assertEquals(n.get(hosts.get(2)), n.get(hosts.get(3)), 2);
  }

  @Test
  void localityWeightIsScaledByItsAvailability() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.RANDOM);
    b.localityWeighted = true;
    LbPolicy p = b.build();
    Host bDown = inLocality(4, "b", 3);
    bDown.setHealthy(false);
    List<Host> hosts = List.of(inLocality(1, "a", 1), inLocality(2, "a", 1), inLocality(3, "b", 3), bDown);
    // b: 3 × min(1, 1.4 × 1/2) = 2.1 against a: 1
    Map<Host, Integer> n = LbTestHosts.count(p.newLoadBalancer(stats), LbTestHosts.set(hosts, p), 31_000);
    assertEquals(21_000, n.get(hosts.get(2)), 50);
    assertNull(n.get(bDown));
  }

  @Test
  void localityWithoutWeightGetsNoLoad() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
    b.localityWeighted = true;
    LbPolicy p = b.build();
    List<Host> hosts = List.of(inLocality(1, "a", 0), inLocality(2, "b", 2));
    Map<Host, Integer> n = LbTestHosts.count(p.newLoadBalancer(stats), LbTestHosts.set(hosts, p), 100);
    assertEquals(Map.of(hosts.get(1), 100), n);
  }

  @Test
  void ringHashHonoursLocalityWeights() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.RING_HASH);
    b.localityWeighted = true;
    LbPolicy p = b.build();
    List<Host> hosts = List.of(inLocality(1, "a", 1), inLocality(2, "b", 3));
    HostSet s = LbTestHosts.set(hosts, p);
    LoadBalancer lb = p.newLoadBalancer(stats);
    int a = 0;
    for (int i = 0; i < 10_000; i++) {
      if (lb.choose(s, LbContext.ofHash(XxHash64.hash("k" + i))) == hosts.get(0)) {
        a++;
      }
    }
    assertEquals(2_500, a, 500);
  }
}
