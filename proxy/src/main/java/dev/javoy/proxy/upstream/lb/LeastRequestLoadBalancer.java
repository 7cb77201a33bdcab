package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LEAST_REQUEST with Envoy's default of two random choices: of two random healthy hosts, the one with fewer
 * active requests.
 */
final class LeastRequestLoadBalancer implements LoadBalancer {
  private final SplittableRandom random = new SplittableRandom();

  @Override
  public Host choose(HostSet hosts) {
    List<Host> group = LbPolicy.candidates(hosts.byPriority());
    int n = group.size();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return group.get(0);
    }
    Host a = group.get(random.nextInt(n));
    Host b = group.get(random.nextInt(n));
    if (!a.healthy()) {
      return b;
    }
    if (!b.healthy()) {
      return a;
    }
    return b.rqActive.sum() < a.rqActive.sum() ? b : a;
  }
}
