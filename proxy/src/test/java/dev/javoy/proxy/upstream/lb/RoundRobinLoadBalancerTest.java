package dev.javoy.proxy.upstream.lb;

import static dev.javoy.proxy.upstream.lb.LbTestHosts.host;
import static dev.javoy.proxy.upstream.lb.LbTestHosts.policy;
import static dev.javoy.proxy.upstream.lb.LbTestHosts.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest {
  private final LbPolicy rr = policy(LbPolicy.Kind.ROUND_ROBIN);

  @Test
  void equalWeightsRotate() {
    List<Host> hosts = LbTestHosts.hosts(4);
    HostSet s = set(hosts, rr);
    LoadBalancer lb = rr.newLoadBalancer(null);
    Host first = lb.choose(s);
    int start = hosts.indexOf(first);
    for (int i = 1; i < 20; i++) {
      assertEquals(hosts.get((start + i) % 4), lb.choose(s));
    }
  }

  @Test
  void rotationStartsAtTheFirstHost() {
    List<Host> hosts = LbTestHosts.hosts(3);
    HostSet s = set(hosts, rr);
    assertEquals(hosts.get(0), rr.newLoadBalancer(null).choose(s));
    assertEquals(hosts.get(0), rr.newLoadBalancer(null).choose(s));
  }

  @Test
  void weightedProportionsWithinOnePercent() {
    Host a = host(1, 1, 0);
    Host b = host(2, 2, 0);
    Host c = host(3, 3, 0);
    HostSet s = set(List.of(a, b, c), rr);
    Map<Host, Integer> n = LbTestHosts.count(rr.newLoadBalancer(null), s, 10_000);
    assertEquals(10_000 / 6.0, n.get(a), 100);
    assertEquals(20_000 / 6.0, n.get(b), 100);
    assertEquals(30_000 / 6.0, n.get(c), 100);
  }

  @Test
  void weightedPicksInterleaveSmoothly() {
    Host a = host(1, 1, 0);
    Host b = host(2, 2, 0);
    Host c = host(3, 3, 0);
    HostSet s = set(List.of(a, b, c), rr);
    LoadBalancer lb = rr.newLoadBalancer(null);
    Host[] seq = new Host[600];
    for (int i = 0; i < seq.length; i++) {
      seq[i] = lb.choose(s);
    }
    // every window of one period (6 picks) holds each host in proportion, give or take one
    for (int start = 0; start + 6 <= seq.length; start++) {
      Map<Host, Integer> w = new HashMap<>();
      for (int i = start; i < start + 6; i++) {
        w.merge(seq[i], 1, Integer::sum);
      }
      assertTrue(Math.abs(w.getOrDefault(a, 0) - 1) <= 1, "window at " + start + ": " + w);
      assertTrue(Math.abs(w.getOrDefault(b, 0) - 2) <= 1, "window at " + start + ": " + w);
      assertTrue(Math.abs(w.getOrDefault(c, 0) - 3) <= 1, "window at " + start + ": " + w);
    }
    // and the heaviest host never runs more than twice in a row (no 3-3-3 blocks)
    int run = 1;
    for (int i = 1; i < seq.length; i++) {
      run = seq[i] == seq[i - 1] ? run + 1 : 1;
      assertTrue(run <= 2, "run of " + run + " at " + i);
    }
  }

  @Test
  void unhealthyHostsAreSkipped() {
    Host a = host(1);
    Host b = LbTestHosts.unhealthy(host(2));
    Host c = host(3);
    HostSet s = set(List.of(a, b, c), rr);
    Map<Host, Integer> n = LbTestHosts.count(rr.newLoadBalancer(null), s, 100);
    assertNull(n.get(b));
    assertEquals(50, n.get(a));
  }

  @Test
  void rotationContinuesAcrossMembershipChanges() {
    List<Host> hosts = LbTestHosts.hosts(4);
    LoadBalancer lb = rr.newLoadBalancer(null);
    HostSet s = set(hosts, rr);
    lb.choose(s);
    lb.choose(s);
    HostSet grown = set(new java.util.ArrayList<>(List.of(hosts.get(0), hosts.get(1), hosts.get(2), hosts.get(3),
        host(9))), rr);
    assertEquals(hosts.get(2), lb.choose(grown), "not back to the first host");
  }

  @Test
  void emptyHostSetGivesNull() {
    assertNull(rr.newLoadBalancer(null).choose(HostSet.EMPTY));
  }

  @Test
  void newHostSetIsPickedUp() {
    LoadBalancer lb = rr.newLoadBalancer(null);
    Host a = host(1);
    Host b = host(2);
    assertEquals(a, lb.choose(set(List.of(a), rr)));
    HostSet s2 = set(List.of(b), rr);
    assertEquals(b, lb.choose(s2));
    assertNotEquals(a, lb.choose(s2));
  }
}
