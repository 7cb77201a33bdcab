package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.List;
import java.util.SplittableRandom;

/** RANDOM: a uniformly random healthy host of the chosen priority. */
final class RandomLoadBalancer implements LoadBalancer {
  private final SplittableRandom random = new SplittableRandom();

  @Override
  public Host choose(HostSet hosts) {
    List<Host> group = LbPolicy.candidates(hosts.byPriority());
    int n = group.size();
    if (n == 0) {
      return null;
    }
    for (int tries = 0; tries < n; tries++) {
      Host h = group.get(random.nextInt(n));
      if (h.healthy()) {
        return h;
      }
    }
    return group.get(random.nextInt(n));
  }
}
