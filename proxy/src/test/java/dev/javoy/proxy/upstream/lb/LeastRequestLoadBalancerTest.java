package dev.javoy.proxy.upstream.lb;

import static dev.javoy.proxy.upstream.lb.LbTestHosts.host;
import static dev.javoy.proxy.upstream.lb.LbTestHosts.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestLoadBalancerTest {
  @Test
  void prefersTheIdleHost() {
    LbPolicy lr = LbTestHosts.policy(LbPolicy.Kind.LEAST_REQUEST);
    Host idle = host(1);
    Host busy = host(2);
    busy.rqActive.add(5);
    HostSet s = set(List.of(idle, busy), lr);
    Map<Host, Integer> n = LbTestHosts.count(lr.newLoadBalancer(null), s, 10_000);
    // two random choices: the busy host wins only when both samples are it (1/4)
    assertEquals(7_500, n.get(idle), 300);
  }

  @Test
  void moreChoicesPreferTheIdleHostMore() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.LEAST_REQUEST);
    b.choiceCount = 4;
    LbPolicy lr = b.build();
    Host idle = host(1);
    Host busy = host(2);
    busy.rqActive.add(5);
    Map<Host, Integer> n = LbTestHosts.count(lr.newLoadBalancer(null), set(List.of(idle, busy), lr), 10_000);
    assertEquals(10_000 * 15 / 16.0, n.get(idle), 200); // 1 - (1/2)^4
  }

  @Test
  void fullScanAlwaysFindsTheLeastLoadedAndSpreadsTies() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.LEAST_REQUEST);
    b.fullScan = true;
    LbPolicy lr = b.build();
    java.util.List<Host> hosts = LbTestHosts.hosts(5);
    for (int i = 0; i < 5; i++) {
      hosts.get(i).rqActive.add(i < 2 ? 1 : 3);
    }
    Map<Host, Integer> n = LbTestHosts.count(lr.newLoadBalancer(null), set(hosts, lr), 4_000);
    assertEquals(2, n.size(), n.toString());
    assertEquals(2_000, n.get(hosts.get(0)), 200);
  }

  @Test
  void unequalWeightsDivideByActiveRequests() {
    LbPolicy lr = LbTestHosts.policy(LbPolicy.Kind.LEAST_REQUEST);
    Host heavyBusy = host(1, 2, 0);
    Host lightIdle = host(2, 1, 0);
    heavyBusy.rqActive.add(9); // 2 / (9 + 1) = 0.2 against 1 / (0 + 1) = 1
    Map<Host, Integer> n = LbTestHosts.count(lr.newLoadBalancer(null), set(List.of(heavyBusy, lightIdle), lr),
        6_000);
    assertEquals(1_000, n.get(heavyBusy), 30);
    assertEquals(5_000, n.get(lightIdle), 30);
  }

  @Test
  void zeroBiasIsWeightedRoundRobin() {
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.LEAST_REQUEST);
    b.activeRequestBias = 0;
    LbPolicy lr = b.build();
    Host heavyBusy = host(1, 3, 0);
    Host light = host(2, 1, 0);
    heavyBusy.rqActive.add(100);
    Map<Host, Integer> n = LbTestHosts.count(lr.newLoadBalancer(null), set(List.of(heavyBusy, light), lr), 4_000);
    assertTrue(Math.abs(n.get(heavyBusy) - 3_000) <= 2, n.toString());
  }
}
