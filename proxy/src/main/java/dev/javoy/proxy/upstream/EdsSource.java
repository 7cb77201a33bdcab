package dev.javoy.proxy.upstream;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;

/**
 * Where EDS clusters get their endpoints: the xDS client (ADS or an EDS config source). Called and calling back
 * on the main thread.
 */
public interface EdsSource {
  /** Receives assignments for one EDS service name; returns an error to reject (NACK) one, else null. */
  interface Subscriber {
    String onAssignment(ClusterLoadAssignment assignment);

    /** The initial fetch timed out or the resource was removed: the cluster has no endpoints. */
    void onMissing();
  }

  /** A subscription to cancel when the cluster goes away. */
  interface Subscription {
    void cancel();
  }

  Subscription subscribe(String serviceName, Subscriber subscriber);
}
