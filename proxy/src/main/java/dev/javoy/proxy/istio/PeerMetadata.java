package dev.javoy.proxy.istio;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * What Istio's telemetry knows about one workload (istio/proxy's {@code WorkloadMetadataObject}): read from the
 * {@code google.protobuf.Struct} of its node metadata as the metadata exchange carries it ({@code NAME},
 * {@code NAMESPACE}, {@code WORKLOAD_NAME}, {@code CLUSTER_ID}, {@code LABELS}, ...). Immutable; a missing value
 * is null (stats report it as {@code unknown}).
 */
public record PeerMetadata(String id, String instanceName, String namespace, String workloadName, String clusterId,
    String app, String version, String canonicalService, String canonicalRevision, String serviceAccount,
    Struct struct) {

  public static final String CANONICAL_NAME_LABEL = "service.istio.io/canonical-name";
  public static final String CANONICAL_REVISION_LABEL = "service.istio.io/canonical-revision";

  /** Reads the exchanged node metadata {@code s}; {@code id} is the peer's node id (may be null). */
  public static PeerMetadata fromStruct(String id, Struct s) {
    Struct labels = s.getFieldsOrDefault("LABELS", Value.getDefaultInstance()).getStructValue();
    String app = firstNonEmpty(string(labels, "app"), string(labels, "app.kubernetes.io/name"));
    String version = firstNonEmpty(string(labels, "version"), string(labels, "app.kubernetes.io/version"));
    String workload = string(s, "WORKLOAD_NAME");
    String canonicalService = firstNonEmpty(string(labels, CANONICAL_NAME_LABEL), app, workload);
    String canonicalRevision = firstNonEmpty(string(labels, CANONICAL_REVISION_LABEL), version,
        canonicalService == null ? null : "latest");
    return new PeerMetadata(id, string(s, "NAME"), string(s, "NAMESPACE"), workload, string(s, "CLUSTER_ID"), app,
        version, canonicalService, canonicalRevision, string(s, "SERVICE_ACCOUNT"), s);
  }

  private static String string(Struct s, String key) {
    Value v = s.getFieldsMap().get(key);
    if (v == null || v.getKindCase() != Value.KindCase.STRING_VALUE || v.getStringValue().isEmpty()) {
      return null;
    }
    return v.getStringValue();
  }

  private static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
