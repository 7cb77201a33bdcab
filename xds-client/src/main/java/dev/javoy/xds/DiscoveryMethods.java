package dev.javoy.xds;

import io.envoyproxy.envoy.service.cluster.v3.ClusterDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.endpoint.v3.EndpointDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.extension.v3.ExtensionConfigDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.listener.v3.ListenerDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.route.v3.RouteDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.MethodDescriptor;

/** The gRPC method that carries a type: the aggregated one (ADS) or the type's own service. */
final class DiscoveryMethods {
  private DiscoveryMethods() {}

  /** The state-of-the-world method; {@code type} is ignored for ADS. */
  static MethodDescriptor<DiscoveryRequest, DiscoveryResponse> sotw(ResourceType<?> type, boolean aggregated) {
    if (aggregated) {
      return AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod();
    }
    return switch (type.typeUrl()) {
      case TypeUrls.LISTENER -> ListenerDiscoveryServiceGrpc.getStreamListenersMethod();
      case TypeUrls.CLUSTER -> ClusterDiscoveryServiceGrpc.getStreamClustersMethod();
      case TypeUrls.ROUTE_CONFIGURATION -> RouteDiscoveryServiceGrpc.getStreamRoutesMethod();
      case TypeUrls.CLUSTER_LOAD_ASSIGNMENT -> EndpointDiscoveryServiceGrpc.getStreamEndpointsMethod();
      case TypeUrls.SECRET -> SecretDiscoveryServiceGrpc.getStreamSecretsMethod();
      case TypeUrls.TYPED_EXTENSION_CONFIG -> ExtensionConfigDiscoveryServiceGrpc.getStreamExtensionConfigsMethod();
      default -> throw new IllegalArgumentException("no discovery service for " + type.typeUrl());
    };
  }

  /** The incremental method; {@code type} is ignored for ADS. */
  static MethodDescriptor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> delta(ResourceType<?> type,
      boolean aggregated) {
    if (aggregated) {
      return AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod();
    }
    return switch (type.typeUrl()) {
      case TypeUrls.LISTENER -> ListenerDiscoveryServiceGrpc.getDeltaListenersMethod();
      case TypeUrls.CLUSTER -> ClusterDiscoveryServiceGrpc.getDeltaClustersMethod();
      case TypeUrls.ROUTE_CONFIGURATION -> RouteDiscoveryServiceGrpc.getDeltaRoutesMethod();
      case TypeUrls.CLUSTER_LOAD_ASSIGNMENT -> EndpointDiscoveryServiceGrpc.getDeltaEndpointsMethod();
      case TypeUrls.SECRET -> SecretDiscoveryServiceGrpc.getDeltaSecretsMethod();
      case TypeUrls.TYPED_EXTENSION_CONFIG -> ExtensionConfigDiscoveryServiceGrpc.getDeltaExtensionConfigsMethod();
      default -> throw new IllegalArgumentException("no discovery service for " + type.typeUrl());
    };
  }
}
