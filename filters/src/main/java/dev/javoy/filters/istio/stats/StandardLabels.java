package dev.javoy.filters.istio.stats;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.javoy.proxy.istio.PeerMetadata;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Computes the label values of one stream or connection as istio/proxy's stats filter does: the reporter's own
 * workload on its side (source for {@code source}, destination for {@code destination}), the exchanged peer on the
 * other, the destination service from the upstream cluster's {@code istio} metadata ({@code services[0]}) or,
 * unless {@code disable_host_header_fallback}, the request's host. Missing values stay null ("unknown").
 */
final class StandardLabels {
  private StandardLabels() {}

  /** What the label values are computed from. */
  record Inputs(PeerMetadata downstreamPeer, PeerMetadata upstreamPeer, String clusterName, HttpRequest request,
      String requestProtocol, String responseFlags, String responseCode, String grpcStatus) {}

  static String[] compute(IstioStatsConfig config, Inputs in) {
    IstioStatsConfig.LabelSchema schema = config.schema;
    String[] v = new String[schema.valueCount()];
    PeerMetadata local = config.local.metadata();
    boolean inbound = config.reporter != IstioStatsConfig.Reporter.SOURCE;
    PeerMetadata source = inbound ? in.downstreamPeer() : local;
    PeerMetadata destination = inbound ? local : in.upstreamPeer();
    v[IstioLabel.REPORTER.ordinal()] = config.reporter.label;
    if (source != null) {
      v[IstioLabel.SOURCE_WORKLOAD.ordinal()] = source.workloadName();
      v[IstioLabel.SOURCE_CANONICAL_SERVICE.ordinal()] = source.canonicalService();
      v[IstioLabel.SOURCE_CANONICAL_REVISION.ordinal()] = source.canonicalRevision();
      v[IstioLabel.SOURCE_WORKLOAD_NAMESPACE.ordinal()] = source.namespace();
      v[IstioLabel.SOURCE_APP.ordinal()] = source.app();
      v[IstioLabel.SOURCE_VERSION.ordinal()] = source.version();
      v[IstioLabel.SOURCE_CLUSTER.ordinal()] = source.clusterId();
    }
    if (destination != null) {
      v[IstioLabel.DESTINATION_WORKLOAD.ordinal()] = destination.workloadName();
      v[IstioLabel.DESTINATION_WORKLOAD_NAMESPACE.ordinal()] = destination.namespace();
      v[IstioLabel.DESTINATION_APP.ordinal()] = destination.app();
      v[IstioLabel.DESTINATION_VERSION.ordinal()] = destination.version();
      v[IstioLabel.DESTINATION_CANONICAL_SERVICE.ordinal()] = destination.canonicalService();
      v[IstioLabel.DESTINATION_CANONICAL_REVISION.ordinal()] = destination.canonicalRevision();
      v[IstioLabel.DESTINATION_CLUSTER.ordinal()] = destination.clusterId();
    }
    // Principals come from the mTLS peer certificate: javoy has no TLS yet, so they are unknown.
    serviceLabels(config, in, v);
    v[IstioLabel.REQUEST_PROTOCOL.ordinal()] = in.requestProtocol();
    v[IstioLabel.RESPONSE_FLAGS.ordinal()] = in.responseFlags();
    v[IstioLabel.CONNECTION_SECURITY_POLICY.ordinal()] = inbound ? "none" : "unknown";
    v[IstioLabel.RESPONSE_CODE.ordinal()] = in.responseCode();
    v[IstioLabel.GRPC_RESPONSE_STATUS.ordinal()] = in.grpcStatus();
    if (schema.extraTags.size() > 0 || hasOverrides(schema)) {
      AttributeExpression.Attributes a = new AttributeExpression.Attributes(config.nodeMetadata, in.downstreamPeer(),
          in.upstreamPeer(), in.request());
      for (int i = 0; i < schema.overrides.length; i++) {
        if (schema.overrides[i] != null) {
          v[i] = schema.overrides[i].evaluate(a);
        }
      }
      for (int i = 0; i < schema.extraExpressions.size(); i++) {
        v[IstioLabel.ALL.length + i] = schema.extraExpressions.get(i).evaluate(a);
      }
    }
    return v;
  }

  private static boolean hasOverrides(IstioStatsConfig.LabelSchema schema) {
    for (AttributeExpression e : schema.overrides) {
      if (e != null) {
        return true;
      }
    }
    return false;
  }

  private static void serviceLabels(IstioStatsConfig config, Inputs in, String[] v) {
    if (in.clusterName() != null && config.clusters != null) {
      UpstreamCluster c = config.clusters.get(in.clusterName());
      Struct service = c == null ? null : firstService(c);
      if (service != null) {
        String host = string(service, "host");
        v[IstioLabel.DESTINATION_SERVICE.ordinal()] = host;
        v[IstioLabel.DESTINATION_SERVICE_NAME.ordinal()] = string(service, "name");
        v[IstioLabel.DESTINATION_SERVICE_NAMESPACE.ordinal()] = string(service, "namespace");
        if (host != null) {
          return;
        }
      }
    }
    if (!config.disableHostHeaderFallback && in.request() != null) {
      String host = in.request().headers().get("host");
      if (host != null && !host.isEmpty()) {
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
          host = host.substring(0, colon);
        }
        v[IstioLabel.DESTINATION_SERVICE.ordinal()] = host;
        if (v[IstioLabel.DESTINATION_SERVICE_NAME.ordinal()] == null) {
          v[IstioLabel.DESTINATION_SERVICE_NAME.ordinal()] = host;
        }
      }
    }
  }

  /** {@code metadata.filter_metadata.istio.services[0]} of the cluster, or null. */
  private static Struct firstService(UpstreamCluster c) {
    Struct istio = c.config().getMetadata().getFilterMetadataMap().get("istio");
    if (istio == null) {
      return null;
    }
    Value services = istio.getFieldsMap().get("services");
    if (services == null || services.getListValue().getValuesCount() == 0) {
      return null;
    }
    return services.getListValue().getValues(0).getStructValue();
  }

  private static String string(Struct s, String key) {
    Value v = s.getFieldsMap().get(key);
    return v == null || v.getStringValue().isEmpty() ? null : v.getStringValue();
  }
}
