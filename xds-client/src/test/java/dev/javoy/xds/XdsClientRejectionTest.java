package dev.javoy.xds;

import static dev.javoy.xds.TestResources.cluster;
import static dev.javoy.xds.TestResources.endpoints;
import static dev.javoy.xds.TestResources.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NACKs, partial acceptance and what absence means, in the protocol variants. */
@Timeout(60)
class XdsClientRejectionTest {
  private static final String PROBLEM = "alt_stat_name 'bad' is not allowed";

  @ParameterizedTest
  @EnumSource(Variant.class)
  void rejectedResourceIsNackedWhileTheOthersOfTheResponseApply(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      h.controlPlane.setSnapshot(snapshot("v1", List.of(cluster("c1", "a"), cluster("c2", "a")),
          List.of(), List.of(), List.of()));
      // On the first NACK the server waits until the test has looked, then gets a fixed version. (A SotW
      // server answers a NACK by resending what is current: without a new version they would loop.)
      CountDownLatch looked = new CountDownLatch(1);
      AtomicBoolean fixed = new AtomicBoolean();
      Runnable fixOnce = () -> {
        if (fixed.compareAndSet(false, true)) {
          await(looked);
          h.controlPlane.setSnapshot(snapshot("v3",
              List.of(cluster("c1", "b"), cluster("c2", "c"), cluster("c3", "a")), List.of(), List.of(), List.of()));
        }
      };
      h.controlPlane.sotwHook = r -> {
        if (r.hasErrorDetail()) {
          fixOnce.run();
        }
      };
      h.controlPlane.deltaHook = r -> {
        if (r.hasErrorDetail()) {
          fixOnce.run();
        }
      };
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      clusters.rejector = (name, cluster) -> cluster.getAltStatName().equals("bad") ? PROBLEM : null;
      assertEquals(Set.of("c1", "c2"), clusters.awaitUpdate().changed().keySet());
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v1");

      h.controlPlane.setSnapshot(snapshot("v2",
          List.of(cluster("c1", "b"), cluster("c2", "bad"), cluster("c3", "a")), List.of(), List.of(), List.of()));
      RecordingSubscriber.Update<Cluster> v2 = clusters.awaitUpdate();
      assertEquals(Set.of("c1", "c2", "c3"), v2.changed().keySet());
      assertEquals("v2", v2.version());

      com.google.rpc.Status error;
      if (variant.delta()) {
        DeltaDiscoveryRequest nack = Acks.awaitDeltaNack(h.controlPlane, ResourceType.CLUSTER);
        assertFalse(nack.getResponseNonce().isEmpty());
        error = nack.getErrorDetail();
      } else {
        DiscoveryRequest nack = Acks.awaitSotwNack(h.controlPlane, ResourceType.CLUSTER);
        assertEquals("v1", nack.getVersionInfo(), "a NACK carries the last accepted version");
        assertFalse(nack.getResponseNonce().isEmpty());
        error = nack.getErrorDetail();
      }
      assertEquals(Code.INVALID_ARGUMENT_VALUE, error.getCode());
      assertTrue(error.getMessage().contains("c2: " + PROBLEM), error.getMessage());
      assertFalse(error.getMessage().contains("c1:"), error.getMessage());
      assertFalse(error.getMessage().contains("c3:"), error.getMessage());

      XdsClientSnapshot.TypeSnapshot cds = h.snapshot().type(ResourceType.CLUSTER).orElseThrow();
      assertEquals("v1", cds.acceptedVersion(), "the type's version stays the last accepted one");
      XdsClientSnapshot.ResourceSnapshot c1 = cds.resource("c1").orElseThrow();
      assertEquals(ClientResourceStatus.ACKED, c1.status());
      assertEquals("b", c1.resource().orElseThrow().unpack(Cluster.class).getAltStatName(), "applied");
      assertEquals(ClientResourceStatus.ACKED, cds.resource("c3").orElseThrow().status());
      XdsClientSnapshot.ResourceSnapshot c2 = cds.resource("c2").orElseThrow();
      assertEquals(ClientResourceStatus.NACKED, c2.status());
      assertEquals("a", c2.resource().orElseThrow().unpack(Cluster.class).getAltStatName(),
          "the previously accepted c2 stays in force");
      UpdateFailureState failure = c2.errorState().orElseThrow();
      assertEquals("bad", failure.getFailedConfiguration().unpack(Cluster.class).getAltStatName());
      assertTrue(failure.getDetails().contains(PROBLEM));
      assertTrue(failure.hasLastUpdateAttempt());
      assertEquals(1, h.stats.count("update_rejected", ResourceType.CLUSTER));
      looked.countDown();

      RecordingSubscriber.Update<Cluster> v3 = clusters.awaitUpdate();
      assertEquals(Set.of("c2"), v3.changed().keySet(), "c1 and c3 are in force already");
      assertEquals("c", v3.changed().get("c2").getAltStatName());
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v3");
      cds = h.snapshot().type(ResourceType.CLUSTER).orElseThrow();
      assertEquals("v3", cds.acceptedVersion());
      assertEquals(ClientResourceStatus.ACKED, cds.resource("c2").orElseThrow().status());
      assertTrue(cds.resource("c2").orElseThrow().errorState().isEmpty());
    }
  }

  /** Delta says "removed" explicitly; in SotW an EDS response without a resource removes nothing. */
  @ParameterizedTest
  @EnumSource(value = Variant.class, names = {"SOTW_PER_TYPE", "DELTA_ADS", "DELTA_PER_TYPE"})
  void endpointsMissingFromAResponseAreRemovedOnlyInDelta(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      h.controlPlane.setSnapshot(snapshot("v1", List.of(), List.of(endpoints("c1", 80), endpoints("c2", 81)),
          List.of(), List.of()));
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<ClusterLoadAssignment> e1 = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c1");
      RecordingSubscriber<ClusterLoadAssignment> e2 = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c2");
      e1.awaitUpdate();
      e2.awaitUpdate();
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER_LOAD_ASSIGNMENT, "v1");
      if (variant.delta()) {
        // Both resources ACKed (the server tracks only what was ACKed).
        h.controlPlane.awaitDelta(r -> Acks.isDeltaAck(r, ResourceType.CLUSTER_LOAD_ASSIGNMENT)
            && h.controlPlane.history.stream().filter(DeltaDiscoveryRequest.class::isInstance).count() >= 2,
            Acks.WAIT);
      }

      h.controlPlane.setSnapshot(snapshot("v2", List.of(), List.of(endpoints("c1", 90)), List.of(), List.of()));
      assertEquals(90, e1.awaitUpdate().changed().get("c1").getEndpoints(0).getLbEndpoints(0).getEndpoint()
          .getAddress().getSocketAddress().getPortValue());
      if (variant.delta()) {
        RecordingSubscriber.Update<ClusterLoadAssignment> removal = e2.awaitUpdate();
        assertEquals(Set.of("c2"), removal.removed());
        assertTrue(removal.changed().isEmpty());
      } else {
        e2.assertNoUpdate(Duration.ofMillis(300));
        assertEquals(ClientResourceStatus.ACKED, h.snapshot().type(ResourceType.CLUSTER_LOAD_ASSIGNMENT)
            .orElseThrow().resource("c2").orElseThrow().status());
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
