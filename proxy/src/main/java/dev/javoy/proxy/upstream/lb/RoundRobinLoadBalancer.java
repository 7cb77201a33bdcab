package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.List;

/** ROUND_ROBIN over the healthy hosts of the chosen priority (each worker keeps its own cursor). */
final class RoundRobinLoadBalancer implements LoadBalancer {
  private int next;

  @Override
  public Host choose(HostSet hosts) {
    List<Host> group = LbPolicy.candidates(hosts.byPriority());
    int n = group.size();
    for (int tries = 0; tries < n; tries++) {
      Host h = group.get(Math.floorMod(next++, n));
      if (h.healthy()) {
        return h;
      }
    }
    return n == 0 ? null : group.get(Math.floorMod(next++, n));
  }
}
