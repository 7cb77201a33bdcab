package dev.javoy.proxy.upstream.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javoy.proxy.upstream.Host;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomLoadBalancerTest {
  @Test
  void spreadsUniformly() {
    LbPolicy random = LbTestHosts.policy(LbPolicy.Kind.RANDOM);
    List<Host> hosts = LbTestHosts.hosts(4);
    Map<Host, Integer> n = LbTestHosts.count(random.newLoadBalancer(null), LbTestHosts.set(hosts, random), 20_000);
    for (Host h : hosts) {
      assertEquals(5_000, n.get(h), 400);
    }
  }
}
