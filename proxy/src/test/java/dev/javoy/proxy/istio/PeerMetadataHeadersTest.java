package dev.javoy.proxy.istio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import org.junit.jupiter.api.Test;

/**
 * {@code x-envoy-peer-metadata}: base64 of the deterministically serialized {@code google.protobuf.Struct} of the
 * node's exchange keys. The vectors were computed by hand from the protobuf wire format (Struct.fields is a map
 * field 1 of entries key=1/value=2; Value.string_value=3, struct_value=5; entries in key order).
 */
class PeerMetadataHeadersTest {
  /** {NAMESPACE: default, WORKLOAD_NAME: productpage-v1, LABELS: {app: productpage, version: v1}}. */
  static final String PRODUCTPAGE = "CjMKBkxBQkVMUxIpKicKFAoDYXBwEg0aC3Byb2R1Y3RwYWdlCg8KB3ZlcnNpb24SBBoCdjEKFgoJTkFN"
      + "RVNQQUNFEgkaB2RlZmF1bHQKIQoNV09SS0xPQURfTkFNRRIQGg5wcm9kdWN0cGFnZS12MQ==";
  /** {NAME: a}. */
  static final String NAME_A = "CgsKBE5BTUUSAxoBYQ==";

  static Value s(String v) {
    return Value.newBuilder().setStringValue(v).build();
  }

  static Node productpageNode() {
    Struct labels = Struct.newBuilder().putFields("version", s("v1")).putFields("app", s("productpage")).build();
    return Node.newBuilder().setId("sidecar~10.1.0.7~productpage-v1-x.default~default.svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("WORKLOAD_NAME", s("productpage-v1"))
            .putFields("INTERCEPTION_MODE", s("REDIRECT")) // not an exchange key: not sent
            .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
            .putFields("NAMESPACE", s("default")))
        .build();
  }

  @Test
  void localWorkloadEncodesTheExchangeKeysAsIstioDoes() {
    LocalWorkload local = LocalWorkload.of(productpageNode());
    assertEquals(PRODUCTPAGE, local.headerValue());
    assertEquals("sidecar~10.1.0.7~productpage-v1-x.default~default.svc.cluster.local", local.id());
    assertEquals(NAME_A, PeerMetadataHeaders.encode(Struct.newBuilder().putFields("NAME", s("a")).build()));
  }

  @Test
  void decodesTheVectorIntoPeerMetadata() {
    PeerMetadata p = PeerMetadataHeaders.peer("node-1", PRODUCTPAGE);
    assertEquals("node-1", p.id());
    assertEquals("productpage-v1", p.workloadName());
    assertEquals("default", p.namespace());
    assertEquals("productpage", p.app());
    assertEquals("v1", p.version());
    // no canonical labels: Istio falls back to app and version
    assertEquals("productpage", p.canonicalService());
    assertEquals("v1", p.canonicalRevision());
    assertNull(p.clusterId());
    assertEquals("a", PeerMetadataHeaders.peer(null, NAME_A).instanceName());
  }

  @Test
  void roundTripsAnyNodeMetadata() {
    Struct labels = Struct.newBuilder().putFields(PeerMetadata.CANONICAL_NAME_LABEL, s("reviews"))
        .putFields(PeerMetadata.CANONICAL_REVISION_LABEL, s("v2")).putFields("app", s("reviews-app")).build();
    Node node = Node.newBuilder().setId("n").setMetadata(Struct.newBuilder().putFields("CLUSTER_ID", s("Kubernetes"))
        .putFields("NAME", s("reviews-v2-abc")).putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
        .putFields("APP_CONTAINERS", s("reviews"))).build();
    LocalWorkload local = LocalWorkload.of(node);
    Struct decoded = PeerMetadataHeaders.decode(local.headerValue());
    assertEquals(local.exchanged(), decoded);
    PeerMetadata p = PeerMetadataHeaders.peer("n", local.headerValue());
    assertEquals("reviews", p.canonicalService());
    assertEquals("v2", p.canonicalRevision());
    assertEquals("reviews-app", p.app());
    assertEquals("Kubernetes", p.clusterId());
    assertEquals("reviews-v2-abc", p.instanceName());
  }

  @Test
  void malformedValuesGiveNoPeer() {
    assertNull(PeerMetadataHeaders.peer("x", "not base64!"));
    assertNull(PeerMetadataHeaders.peer("x", "/////w=="));
    assertNull(PeerMetadataHeaders.peer("x", null));
    assertThrows(IllegalArgumentException.class, () -> PeerMetadataHeaders.decode("/////w=="));
  }
}
