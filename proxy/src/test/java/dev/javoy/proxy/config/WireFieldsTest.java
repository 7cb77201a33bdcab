package dev.javoy.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Duration;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WireFields} agrees with protobuf's {@code hasField}/{@code getRepeatedFieldCount} on every field. */
class WireFieldsTest {
  private static final List<Cluster> CLUSTERS = List.of(
      Cluster.getDefaultInstance(),
      Cluster.newBuilder()
          .setName("c")
          .setType(Cluster.DiscoveryType.STATIC) // 0, but a oneof member: set
          .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN) // 0, implicit presence: not set
          .setConnectTimeout(Duration.getDefaultInstance()) // an empty message: set
          .setPerConnectionBufferLimitBytes(UInt32Value.of(0))
          .setMetadata(Metadata.getDefaultInstance())
          .setIgnoreHealthOnHostRemoval(false)
          .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY)
          .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName("c"))
          .addDnsResolvers(io.envoyproxy.envoy.config.core.v3.Address.getDefaultInstance())
          .putTypedExtensionProtocolOptions("x", com.google.protobuf.Any.getDefaultInstance())
          .build(),
      Cluster.newBuilder().setClusterType(Cluster.CustomClusterType.newBuilder().setName("t"))
          .setRespectDnsTtl(true).setAltStatName("a").build());

  @Test
  void aFieldIsOnTheWireExactlyWhenReflectionSaysItIsSet() throws Exception {
    for (Cluster c : CLUSTERS) {
      for (Message m : List.of(c, DynamicMessage.parseFrom(Cluster.getDescriptor(), c.toByteString()))) {
        for (FieldDescriptor f : Cluster.getDescriptor().getFields()) {
          boolean set = f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f);
          assertEquals(set ? 0 : -1, WireFields.firstSet(m, new int[] {f.getNumber()}),
              f.getName() + " in " + m.getClass().getSimpleName() + " " + c);
        }
      }
    }
  }

  @Test
  void theLowestSetNumberIsFound() {
    Cluster c = CLUSTERS.get(1);
    int[] numbers = {Cluster.LB_POLICY_FIELD_NUMBER, Cluster.CONNECT_TIMEOUT_FIELD_NUMBER,
        Cluster.DNS_LOOKUP_FAMILY_FIELD_NUMBER, Cluster.LOAD_ASSIGNMENT_FIELD_NUMBER};
    java.util.Arrays.sort(numbers);
    int i = WireFields.firstSet(c, numbers);
    assertEquals(Cluster.CONNECT_TIMEOUT_FIELD_NUMBER, numbers[i]);
    assertEquals(-1, WireFields.firstSet(Cluster.getDefaultInstance(), numbers));
    assertEquals(-1, WireFields.firstSet(c, new int[0]));
  }

  @Test
  void descriptorsComeFromTheGeneratedClass() {
    assertSame(Cluster.getDescriptor(), MessageDescriptors.of(Cluster.getDefaultInstance()));
    assertSame(Cluster.getDescriptor(), MessageDescriptors.of(Cluster.newBuilder()));
    assertSame(Cluster.getDescriptor(),
        MessageDescriptors.of(DynamicMessage.getDefaultInstance(Cluster.getDescriptor())));
  }
}
