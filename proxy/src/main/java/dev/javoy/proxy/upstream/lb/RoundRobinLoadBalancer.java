package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.upstream.Host;

/**
 * ROUND_ROBIN: plain rotation when all hosts weigh the same, else Envoy's weighted round robin by earliest
 * deadline first (smooth interleaving in proportion to weights). Rotations start at the first host of the
 * list (Envoy starts at a random position), so host choice is predictable.
 */
final class RoundRobinLoadBalancer extends PriorityLoadBalancer {
  private static final class Cursor {
    int next;
    EdfScheduler weighted;
  }

  RoundRobinLoadBalancer(Counter panicCounter, boolean localityWeighted) {
    super(panicCounter, localityWeighted);
  }

  @Override
  Object newState(Host[] hosts, Object previous) {
    Cursor c = new Cursor();
    if (previous instanceof Cursor p) {
      c.next = p.next % hosts.length; // the rotation goes on across membership changes
    }
    if (!equalWeights(hosts)) {
      c.weighted = new EdfScheduler(hosts.length);
      for (int i = 0; i < hosts.length; i++) {
        c.weighted.add(i, Math.max(1, hosts[i].weight()));
      }
    }
    return c;
  }

  @Override
  Host pick(Object state, Host[] hosts) {
    Cursor c = (Cursor) state;
    if (c.weighted == null) {
      int i = c.next;
      c.next = i + 1 >= hosts.length ? 0 : i + 1;
      return hosts[i];
    }
    int i = c.weighted.pick();
    c.weighted.add(i, Math.max(1, hosts[i].weight()));
    return hosts[i];
  }
}
