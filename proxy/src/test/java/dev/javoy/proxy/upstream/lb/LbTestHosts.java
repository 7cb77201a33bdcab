package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hosts and host sets for load balancer tests. */
final class LbTestHosts {
  private LbTestHosts() {}

  static Host host(int i) {
    return host(i, 1, 0);
  }

  static Host host(int i, int weight, int priority) {
    return new Host("c", new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 8080), "", weight,
        priority, Metadata.getDefaultInstance());
  }

  static Host inLocality(int i, String zone, int localityWeight) {
    return new Host("c", new InetSocketAddress("10.1." + (i / 250) + "." + (i % 250 + 1), 8080), "", 1, 0,
        Metadata.getDefaultInstance(), Locality.newBuilder().setZone(zone).build(), localityWeight);
  }

  static Host unhealthy(Host h) {
    h.setHealthy(false);
    return h;
  }

  static List<Host> hosts(int n) {
    List<Host> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(host(i));
    }
    return out;
  }

  static HostSet set(List<Host> hosts, LbPolicy policy) {
    return new HostSet(hosts, HostSet.AssignmentPolicy.DEFAULT, policy);
  }

  static LbPolicy policy(LbPolicy.Kind kind) {
    return new LbPolicy.Builder(kind).build();
  }

  /** How often each host was picked in {@code n} picks without context. */
  static Map<Host, Integer> count(LoadBalancer lb, HostSet set, int n) {
    Map<Host, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(lb.choose(set), 1, Integer::sum);
    }
    return counts;
  }
}
