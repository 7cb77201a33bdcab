package dev.javoy.proxy.upstream;

/** Where a cluster's hosts come from: static config, DNS, EDS. Runs on the main thread. */
public interface HostDiscovery {
  /** Begins discovery; calls {@code cluster.updateHosts} with each membership and {@code initialized} once. */
  void start(UpstreamCluster cluster, Runnable initialized);

  default void stop() {}

  /** The endpoints as last delivered by EDS (for {@code /config_dump?include_eds}), or null for other types. */
  default io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment assignment() {
    return null;
  }
}
