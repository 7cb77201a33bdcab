package dev.javoy.proxy.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldSupportTest {
  private static final Set<String> SUPPORTED = Set.of("name", "type", "connect_timeout");

  @Test
  void setFieldsOutsideTheSetAreRejectedLowestNumberFirst() {
    Cluster c = Cluster.newBuilder().setName("c").setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .setAltStatName("alt") // 28
        .setRespectDnsTtl(true) // 39
        .setPerConnectionBufferLimitBytes(com.google.protobuf.UInt32Value.of(5)) // 9
        .build();
    ConfigException e = assertThrows(ConfigException.class, () -> FieldSupport.check(c, "clusters[0]", SUPPORTED));
    assertTrue(e.getMessage().contains("clusters[0].per_connection_buffer_limit_bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("envoy.config.cluster.v3.Cluster"), e.getMessage());
    // the same answer through the remembered field list, with an equal set from elsewhere
    ConfigException again = assertThrows(ConfigException.class,
        () -> FieldSupport.check(c, "x", Set.of("connect_timeout", "type", "name")));
    assertTrue(again.getMessage().contains("x.per_connection_buffer_limit_bytes"), again.getMessage());
  }

  @Test
  void defaultsRepeatedAndOneofFields() {
    // proto3 scalars at their default and empty repeated fields are not "set"
    assertDoesNotThrow(() -> FieldSupport.check(Cluster.newBuilder().setName("c").setRespectDnsTtl(false).build(),
        "", SUPPORTED));
    assertEquals("health_checks", FieldSupport.firstUnsupported(Cluster.newBuilder()
        .addHealthChecks(io.envoyproxy.envoy.config.core.v3.HealthCheck.getDefaultInstance()).build(), SUPPORTED)
        .getName());
    // a oneof member (cluster_type in the cluster_discovery_type oneof)
    assertEquals("cluster_type", FieldSupport.firstUnsupported(Cluster.newBuilder()
        .setClusterType(Cluster.CustomClusterType.newBuilder().setName("x")).build(), SUPPORTED).getName());
    assertDoesNotThrow(() -> FieldSupport.check(Cluster.newBuilder()
        .setClusterType(Cluster.CustomClusterType.newBuilder().setName("x")).build(), "",
        Set.of("cluster_type")));
  }
}
