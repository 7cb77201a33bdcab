package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Walks a {@code ClusterLoadAssignment} (a cluster's {@code load_assignment}, or an EDS resource) with the
 * fields javoy supports checked once, for STATIC, DNS and EDS host discovery alike.
 */
public final class LoadAssignments {
  /** Called for each endpoint with its locality group and JSON path. */
  public interface EndpointVisitor {
    void visit(LocalityLbEndpoints group, LbEndpoint endpoint, String path) throws ConfigException;
  }

  private static final Set<String> ASSIGNMENT_FIELDS = Set.of("cluster_name", "endpoints", "policy");
  private static final Set<String> POLICY_FIELDS = Set.of("overprovisioning_factor", "weighted_priority_health");
  private static final Set<String> LOCALITY_FIELDS =
      Set.of("locality", "lb_endpoints", "load_balancing_weight", "priority");
  private static final Set<String> LB_ENDPOINT_FIELDS =
      Set.of("endpoint", "health_status", "metadata", "load_balancing_weight");
  private static final Set<String> ENDPOINT_FIELDS = Set.of("address", "hostname", "health_check_config");
  private static final Set<String> HEALTH_CHECK_CONFIG_FIELDS = Set.of("port_value", "hostname");

  private LoadAssignments() {}

  public static void forEach(ClusterLoadAssignment la, String path, EndpointVisitor visitor) throws ConfigException {
    FieldSupport.check(la, path, ASSIGNMENT_FIELDS);
    if (la.hasPolicy()) {
      FieldSupport.check(la.getPolicy(), path + ".policy", POLICY_FIELDS);
      if (la.getPolicy().hasOverprovisioningFactor() && la.getPolicy().getOverprovisioningFactor().getValue() == 0) {
        throw new ConfigException(path + ".policy.overprovisioning_factor", "must be greater than 0");
      }
    }
    for (int i = 0; i < la.getEndpointsCount(); i++) {
      LocalityLbEndpoints group = la.getEndpoints(i);
      String gp = FieldSupport.index(path, "endpoints", i);
      FieldSupport.check(group, gp, LOCALITY_FIELDS);
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        LbEndpoint e = group.getLbEndpoints(j);
        String ep = FieldSupport.index(gp, "lb_endpoints", j);
        FieldSupport.check(e, ep, LB_ENDPOINT_FIELDS);
        if (FieldSupport.firstUnsupported(e.getEndpoint(), ENDPOINT_FIELDS) != null) { // the path only on error
          FieldSupport.check(e.getEndpoint(), ep + ".endpoint", ENDPOINT_FIELDS);
        }
        if (e.getEndpoint().hasHealthCheckConfig()) {
          FieldSupport.check(e.getEndpoint().getHealthCheckConfig(), ep + ".endpoint.health_check_config",
              HEALTH_CHECK_CONFIG_FIELDS);
        }
        visitor.visit(group, e, ep);
      }
    }
  }

  /** Hosts for endpoints whose addresses are IP literals or pipes (STATIC and EDS clusters). */
  public static List<Host> resolvedHosts(String clusterName, ClusterLoadAssignment la, String path)
      throws ConfigException {
    List<Host> hosts = new ArrayList<>(la.getEndpointsCount() == 1 ? la.getEndpoints(0).getLbEndpointsCount() : 8);
    forEach(la, path, (group, e, ep) -> {
      int weight = e.hasLoadBalancingWeight() ? e.getLoadBalancingWeight().getValue() : 1;
      Host h = new Host(clusterName, Addresses.resolved(e.getEndpoint().getAddress(), ep + ".endpoint.address"),
          e.getEndpoint().getHostname(), weight, group.getPriority(), e.getMetadata(), group.getLocality(),
          group.hasLoadBalancingWeight() ? group.getLoadBalancingWeight().getValue() : 0);
      h.setEdsHealth(e.getHealthStatus());
      if (e.getEndpoint().hasHealthCheckConfig()) {
        h.setHealthCheckEndpoint(e.getEndpoint().getHealthCheckConfig().getPortValue(),
            e.getEndpoint().getHealthCheckConfig().getHostname());
      }
      hosts.add(h);
    });
    return hosts;
  }

  /** {@code policy.overprovisioning_factor} (default 140) and {@code policy.weighted_priority_health}. */
  public static HostSet.AssignmentPolicy policy(ClusterLoadAssignment la) {
    if (!la.hasPolicy()) {
      return HostSet.AssignmentPolicy.DEFAULT;
    }
    var p = la.getPolicy();
    return new HostSet.AssignmentPolicy(p.hasOverprovisioningFactor() ? p.getOverprovisioningFactor().getValue()
        : HostSet.DEFAULT_OVERPROVISIONING_FACTOR, p.getWeightedPriorityHealth());
  }

  /**
   * Whether EDS health status lets the endpoint take traffic (UNHEALTHY, DRAINING and TIMEOUT do not; DEGRADED
   * does, as a degraded host). The flags themselves are set by {@link Host#setEdsHealth}.
   */
  public static boolean healthy(LbEndpoint e) {
    return switch (e.getHealthStatus()) {
      case UNHEALTHY, DRAINING, TIMEOUT -> false;
      default -> true;
    };
  }
}
