package dev.javoy.xds;

import static dev.javoy.xds.TestResources.cluster;
import static dev.javoy.xds.TestResources.endpoints;
import static dev.javoy.xds.TestResources.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server is killed and comes back at the same address: the client backs off, reconnects, resends its
 * subscriptions with the last accepted versions, and catches up. Over TCP and a Unix socket.
 */
@Timeout(60)
class XdsClientReconnectTest {
  @TempDir
  Path socketDir;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("tcp", Variant.SOTW_ADS),
        Arguments.of("unix", Variant.SOTW_ADS),
        Arguments.of("tcp", Variant.DELTA_ADS),
        Arguments.of("unix", Variant.DELTA_ADS),
        Arguments.of("tcp", Variant.SOTW_PER_TYPE),
        Arguments.of("unix", Variant.DELTA_PER_TYPE));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void reconnectsWithBackoffAndResynchronizes(String transport, Variant variant) throws Exception {
    try (Harness h = transport.equals("unix") ? Harness.unix(socketDir) : Harness.tcp()) {
      h.controlPlane.setSnapshot(snapshot("v1", List.of(cluster("c1", "a"), cluster("c2", "a")),
          List.of(endpoints("c1", 80)), List.of(), List.of()));
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      RecordingSubscriber<ClusterLoadAssignment> eds = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c1");
      assertEquals(Set.of("c1", "c2"), clusters.awaitUpdate().changed().keySet());
      eds.awaitUpdate();
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v1");
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER_LOAD_ASSIGNMENT, "v1");
      h.stats.awaitConnected(true, Acks.WAIT);

      h.controlPlane.stop();
      Status status = clusters.awaitError().status();
      assertNotEquals(Status.Code.OK, status.getCode());
      eds.awaitError();
      h.stats.awaitConnected(false, Acks.WAIT);
      assertFalse(h.snapshot().connected());
      // Back-off 20..200 ms: several attempts fail while the server is down, each reported.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (h.stats.count("update_failure", ResourceType.CLUSTER) < 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(h.stats.count("update_failure", ResourceType.CLUSTER) >= 4);
      // What was accepted stays in force meanwhile.
      assertEquals("v1", h.snapshot().type(ResourceType.CLUSTER).orElseThrow().acceptedVersion());

      h.controlPlane.history.clear();
      h.controlPlane.setSnapshot(snapshot("v2", List.of(cluster("c1", "b"), cluster("c2", "a")),
          List.of(endpoints("c1", 81)), List.of(), List.of()));
      h.controlPlane.start();

      RecordingSubscriber.Update<Cluster> update = clusters.awaitUpdate();
      assertEquals(Set.of("c1"), update.changed().keySet(), "only what changed while away");
      assertEquals("v2", update.version());
      assertEquals(81, eds.awaitUpdate().changed().get("c1").getEndpoints(0).getLbEndpoints(0).getEndpoint()
          .getAddress().getSocketAddress().getPortValue());
      h.stats.awaitConnected(true, Acks.WAIT);

      // The first requests of the new stream carried the subscriptions and what the client had.
      if (variant.delta()) {
        DeltaDiscoveryRequest cds = h.controlPlane.awaitDelta(
            r -> r.getTypeUrl().equals(TypeUrls.CLUSTER) && r.getResponseNonce().isEmpty(), Acks.WAIT);
        assertEquals(List.of(), cds.getResourceNamesSubscribeList(), "legacy wildcard");
        assertEquals(Set.of("c1", "c2"), cds.getInitialResourceVersionsMap().keySet());
        assertTrue(cds.hasNode());
        DeltaDiscoveryRequest endpoints = h.controlPlane.awaitDelta(
            r -> r.getTypeUrl().equals(TypeUrls.CLUSTER_LOAD_ASSIGNMENT) && r.getResponseNonce().isEmpty(),
            Acks.WAIT);
        assertEquals(List.of("c1"), endpoints.getResourceNamesSubscribeList());
        assertEquals(Set.of("c1"), endpoints.getInitialResourceVersionsMap().keySet());
      } else {
        DiscoveryRequest cds = h.controlPlane.awaitSotw(
            r -> r.getTypeUrl().equals(TypeUrls.CLUSTER) && r.getResponseNonce().isEmpty(), Acks.WAIT);
        assertEquals("v1", cds.getVersionInfo());
        assertEquals(List.of(), cds.getResourceNamesList());
        assertTrue(cds.hasNode());
        DiscoveryRequest endpoints = h.controlPlane.awaitSotw(
            r -> r.getTypeUrl().equals(TypeUrls.CLUSTER_LOAD_ASSIGNMENT) && r.getResponseNonce().isEmpty(),
            Acks.WAIT);
        assertEquals("v1", endpoints.getVersionInfo());
        assertEquals(List.of("c1"), endpoints.getResourceNamesList());
      }
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v2");
    }
  }
}
