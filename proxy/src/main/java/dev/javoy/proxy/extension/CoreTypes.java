package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import java.util.List;

/**
 * Messages the core itself unpacks from an {@code Any} (beyond the extension factories' configs), and the
 * process-wide default {@link ExtensionRegistry} built with them.
 */
public final class CoreTypes {
  public static final List<Message> CORE = withIstioProxyTypes(List.of(
      com.github.udpa.udpa.type.v1.TypedStruct.getDefaultInstance(),
      com.github.xds.type.v3.TypedStruct.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.http.header_formatters.preserve_case.v3.PreserveCaseFormatterConfig
          .getDefaultInstance(),
      io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig
          .getDefaultInstance(),
      io.envoyproxy.envoy.extensions.bootstrap.internal_listener.v3.InternalListener.getDefaultInstance(),
      io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.BootstrapConfigDump.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.ClustersConfigDump.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.ListenersConfigDump.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.RoutesConfigDump.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.EndpointsConfigDump.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.SecretsConfigDump.getDefaultInstance(),
      io.envoyproxy.envoy.admin.v3.EcdsConfigDump.getDefaultInstance(), // ecds_filter_http (h-xdsrest)
      io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.getDefaultInstance(),
      io.envoyproxy.envoy.config.cluster.v3.Cluster.getDefaultInstance(),
      io.envoyproxy.envoy.config.listener.v3.Listener.getDefaultInstance(),
      io.envoyproxy.envoy.config.route.v3.RouteConfiguration.getDefaultInstance(),
      io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDefaultInstance(),
      // load_balancing_policy extensions (upstream.lb)
      io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev.getDefaultInstance(),
      // parsed so that a load_balancing_policy list naming them can fall through to a policy javoy implements
      io.envoyproxy.envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3
          .ClientSideWeightedRoundRobin.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.subset.v3.Subset.getDefaultInstance(),
      io.envoyproxy.envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided
          .getDefaultInstance()));

  private static volatile ExtensionRegistry defaultRegistry;

  private CoreTypes() {}

  /** Adds istio/proxy's config messages ({@link dev.javoy.proxy.istio.IstioProxyProtos}): not in Envoy's API jar. */
  private static List<Message> withIstioProxyTypes(List<Message> core) {
    java.util.ArrayList<Message> all = new java.util.ArrayList<>(core);
    all.addAll(dev.javoy.proxy.istio.IstioProxyProtos.all());
    all.add(com.google.protobuf.StringValue.getDefaultInstance());
    // HCM request_id_extension (Istio sets it on every connection manager); see http.hcm.UuidRequestIds.
    all.add(io.envoyproxy.envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig.getDefaultInstance());
    return List.copyOf(all);
  }

  /** The registry of every extension on the class path plus {@link #CORE}; built once. */
  public static ExtensionRegistry defaultRegistry() {
    ExtensionRegistry r = defaultRegistry;
    if (r == null) {
      synchronized (CoreTypes.class) {
        r = defaultRegistry;
        if (r == null) {
          r = ExtensionRegistry.load(CORE);
          defaultRegistry = r;
        }
      }
    }
    return r;
  }
}
