package dev.javoy.proxy.upstream.lb;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Picking a host allocates nothing (once the worker's state for the host set exists). */
class NoAllocationPerPickTest {
  @ParameterizedTest
  @EnumSource(value = LbPolicy.Kind.class, names = "CLUSTER_PROVIDED", mode = EnumSource.Mode.EXCLUDE)
  void picksDoNotAllocate(LbPolicy.Kind kind) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    LbPolicy p = LbTestHosts.policy(kind);
    List<Host> hosts = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hosts.add(LbTestHosts.host(i, 1 + i % 3, i < 7 ? 0 : 1)); // unequal weights, two priorities
    }
    hosts.get(0).setHealthy(false);
    HostSet s = LbTestHosts.set(hosts, p);
    LoadBalancer lb = p.newLoadBalancer(null);
    LbContext ctx = LbContext.ofHash(12345);
    for (int i = 0; i < 20_000; i++) { // warm up: per-worker state, JIT
      assertNotNull(lb.choose(s, ctx));
      assertNotNull(lb.choose(s));
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      lb.choose(s, ctx);
      lb.choose(s);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertTrue(allocated < 64 * 1024, kind + " allocated " + allocated + " bytes in 200,000 picks");
  }
}
