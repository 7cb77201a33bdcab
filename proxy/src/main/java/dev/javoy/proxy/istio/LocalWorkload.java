package dev.javoy.proxy.istio;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;

/**
 * This proxy's own workload as the metadata exchange sends it: the bootstrap {@code node.metadata} reduced to the
 * exchange keys, serialized once (deterministically, keys in order) and base64-encoded for the
 * {@code x-envoy-peer-metadata} header, and its node id for {@code x-envoy-peer-metadata-id}.
 */
public final class LocalWorkload {
  /** The node metadata keys Istio's metadata exchange carries. */
  public static final List<String> EXCHANGE_KEYS = List.of("NAME", "NAMESPACE", "INSTANCE_IPS", "LABELS", "OWNER",
      "PLATFORM_METADATA", "WORKLOAD_NAME", "MESH_ID", "SERVICE_ACCOUNT", "CLUSTER_ID", "APP_CONTAINERS");

  private final String id;
  private final Struct exchanged;
  private final byte[] serialized;
  private final String headerValue;
  private final PeerMetadata metadata;

  private LocalWorkload(String id, Struct exchanged) {
    this.id = id;
    this.exchanged = exchanged;
    this.serialized = PeerMetadataHeaders.serialize(exchanged);
    this.headerValue = java.util.Base64.getEncoder().encodeToString(serialized);
    this.metadata = PeerMetadata.fromStruct(id, exchanged);
  }

  public static LocalWorkload of(Node node) {
    Map<String, Value> kept = new TreeMap<>();
    Map<String, Value> all = node.getMetadata().getFieldsMap();
    for (String k : EXCHANGE_KEYS) {
      Value v = all.get(k);
      if (v != null) {
        kept.put(k, v);
      }
    }
    return new LocalWorkload(node.getId(), Struct.newBuilder().putAllFields(kept).build());
  }

  /** The node id ({@code x-envoy-peer-metadata-id}). */
  public String id() {
    return id;
  }

  /** The exchanged metadata. */
  public Struct exchanged() {
    return exchanged;
  }

  /** The deterministic serialization of {@link #exchanged()} (what the TCP exchange wraps in an Any). */
  public byte[] serialized() {
    return serialized.clone();
  }

  /** {@code x-envoy-peer-metadata}: base64 of {@link #serialized()}. */
  public String headerValue() {
    return headerValue;
  }

  public PeerMetadata metadata() {
    return metadata;
  }
}
