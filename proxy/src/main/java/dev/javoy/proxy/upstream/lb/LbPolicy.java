package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.List;
import java.util.function.Supplier;

/** The cluster's {@code lb_policy}, as a factory of per-worker load balancers. */
public final class LbPolicy {
  private LbPolicy() {}

  public static Supplier<LoadBalancer> from(Cluster c, String path) throws ConfigException {
    return switch (c.getLbPolicy()) {
      case ROUND_ROBIN -> RoundRobinLoadBalancer::new;
      case LEAST_REQUEST -> LeastRequestLoadBalancer::new;
      case RANDOM -> RandomLoadBalancer::new;
      default -> throw new ConfigException(path + ".lb_policy",
          "load balancing policy " + c.getLbPolicy() + " is not supported yet");
    };
  }

  /**
   * The hosts of the lowest priority that has a healthy host; when no host anywhere is healthy, Envoy's panic
   * mode: all hosts of priority 0.
   */
  static List<Host> candidates(List<List<Host>> byPriority) {
    for (List<Host> group : byPriority) {
      for (Host h : group) {
        if (h.healthy()) {
          return group;
        }
      }
    }
    return byPriority.isEmpty() ? List.of() : byPriority.get(0);
  }
}
