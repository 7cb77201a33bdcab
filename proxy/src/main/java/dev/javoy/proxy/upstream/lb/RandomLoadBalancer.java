package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.upstream.Host;

/** RANDOM: a uniformly random host of the chosen list (Envoy's random balancer ignores host weights). */
final class RandomLoadBalancer extends PriorityLoadBalancer {
  private static final Object NO_STATE = new Object();

  RandomLoadBalancer(Counter panicCounter, boolean localityWeighted) {
    super(panicCounter, localityWeighted);
  }

  @Override
  Object newState(Host[] hosts, Object previous) {
    return NO_STATE;
  }

  @Override
  Host pick(Object state, Host[] hosts) {
    return hosts[random.nextInt(hosts.length)];
  }
}
