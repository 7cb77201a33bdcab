package dev.javoy.proxy.upstream;

/** Where a cluster's hosts come from: static config, DNS, EDS. Runs on the main thread. */
public interface HostDiscovery {
  /** Begins discovery; calls {@code cluster.updateHosts} with each membership and {@code initialized} once. */
  void start(UpstreamCluster cluster, Runnable initialized);

  default void stop() {}
}
