package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.List;

/**
 * EDS clusters: hosts arrive as {@code ClusterLoadAssignment} resources for the cluster's service name. The
 * cluster warms until the first assignment (or its absence) is known, as in Envoy.
 */
final class EdsHostDiscovery implements HostDiscovery {
  private final EdsSource source;
  private final String serviceName;
  private EdsSource.Subscription subscription;
  private ClusterLoadAssignment last;

  EdsHostDiscovery(EdsSource source, String serviceName) {
    this.source = source;
    this.serviceName = serviceName;
  }

  @Override
  public void start(UpstreamCluster cluster, Runnable initialized) {
    subscription = source.subscribe(serviceName, new EdsSource.Subscriber() {
      @Override
      public String onAssignment(ClusterLoadAssignment assignment) {
        if (assignment.equals(last)) {
          initialized.run();
          return null;
        }
        List<Host> hosts;
        try {
          hosts = LoadAssignments.resolvedHosts(cluster.name(), assignment, "");
        } catch (ConfigException e) {
          cluster.stats().updateFailure.inc();
          return "ClusterLoadAssignment " + serviceName + ": " + e.getMessage();
        }
        last = assignment;
        cluster.updateHosts(hosts, LoadAssignments.policy(assignment));
        initialized.run();
        return null;
      }

      @Override
      public void onMissing() {
        last = null;
        cluster.updateHosts(List.of());
        initialized.run();
      }
    });
  }

  @Override
  public void stop() {
    if (subscription != null) {
      subscription.cancel();
      subscription = null;
    }
  }

  @Override
  public ClusterLoadAssignment assignment() {
    return last;
  }
}
