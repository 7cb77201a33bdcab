package dev.javoy.xds;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.List;

/** Small resources for the tests; the {@code mark} makes two versions of a resource differ. */
final class TestResources {
  private TestResources() {}

  static Cluster cluster(String name, String mark) {
    return Cluster.newBuilder().setName(name).setAltStatName(mark)
        .setType(Cluster.DiscoveryType.EDS).build();
  }

  static ClusterLoadAssignment endpoints(String cluster, int port) {
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(port))))
            .setLoadBalancingWeight(UInt32Value.of(1))))
        .build();
  }

  static Listener listener(String name, String mark) {
    return Listener.newBuilder().setName(name).setStatPrefix(mark).build();
  }

  static RouteConfiguration route(String name, String domain) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains(domain)).build();
  }

  static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
      List<Listener> listeners, List<RouteConfiguration> routes) {
    return Snapshot.create(clusters, endpoints, listeners, routes, List.of(), version);
  }
}
