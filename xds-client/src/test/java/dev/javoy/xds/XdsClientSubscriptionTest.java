package dev.javoy.xds;

import static dev.javoy.xds.TestResources.cluster;
import static dev.javoy.xds.TestResources.endpoints;
import static dev.javoy.xds.TestResources.listener;
import static dev.javoy.xds.TestResources.route;
import static dev.javoy.xds.TestResources.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Subscription changes, initial fetch timeouts and the node, against java-control-plane. */
@Timeout(60)
class XdsClientSubscriptionTest {

  private static void setEndpoints(Harness h, String version, String... clusters) {
    h.controlPlane.setSnapshot(snapshot(version, List.of(),
        java.util.Arrays.stream(clusters).map(c -> endpoints(c, 80)).toList(),
        List.of(), List.of(route("r1", "example.com"))));
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void subscriptionChangesSendNewRequests(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      setEndpoints(h, "v1", "c1", "c2");
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<ClusterLoadAssignment> s1 = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c1");
      assertEquals(Set.of("c1"), s1.awaitUpdate().changed().keySet());
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER_LOAD_ASSIGNMENT, "v1");

      h.controlPlane.history.clear();
      RecordingSubscriber<ClusterLoadAssignment> s2 = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c2");
      assertEquals(Set.of("c2"), s2.awaitUpdate().changed().keySet());
      if (variant.delta()) {
        DeltaDiscoveryRequest added = h.controlPlane.awaitDelta(r -> r.getResourceNamesSubscribeCount() > 0, Acks.WAIT);
        assertEquals(List.of("c2"), added.getResourceNamesSubscribeList());
        assertEquals(0, added.getResourceNamesUnsubscribeCount());
        h.controlPlane.awaitDelta(r -> Acks.isDeltaAck(r, ResourceType.CLUSTER_LOAD_ASSIGNMENT), Acks.WAIT);
      } else {
        DiscoveryRequest added = h.controlPlane.awaitSotw(r -> r.getResourceNamesCount() == 2, Acks.WAIT);
        assertEquals(List.of("c1", "c2"), added.getResourceNamesList());
        assertEquals("v1", added.getVersionInfo());
        // ...and the ACK of the response it brought.
        h.controlPlane.awaitSotw(r -> r.getResourceNamesCount() == 2
            && !r.getResponseNonce().equals(added.getResponseNonce()), Acks.WAIT);
      }

      // A third subscriber of a name already here is served from the cache, without asking the server.
      h.controlPlane.history.clear();
      RecordingSubscriber<ClusterLoadAssignment> s3 = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c2");
      assertEquals(Set.of("c2"), s3.awaitUpdate().changed().keySet());
      Thread.sleep(100);
      assertEquals(List.of(), h.controlPlane.history, "no request for a name already subscribed");

      s1.subscription.cancel();
      if (variant.delta()) {
        DeltaDiscoveryRequest removed = h.controlPlane.awaitDelta(
            r -> r.getResourceNamesUnsubscribeCount() > 0, Acks.WAIT);
        assertEquals(List.of("c1"), removed.getResourceNamesUnsubscribeList());
      } else {
        DiscoveryRequest removed = h.controlPlane.awaitSotw(
            r -> r.getResourceNamesList().equals(List.of("c2")), Acks.WAIT);
        assertTrue(removed.getTypeUrl().equals(TypeUrls.CLUSTER_LOAD_ASSIGNMENT));
      }
      // Changes to c1 reach nobody now; c2's subscribers still hear about c2.
      h.controlPlane.setSnapshot(snapshot("v2", List.of(), List.of(endpoints("c1", 90), endpoints("c2", 91)),
          List.of(), List.of()));
      assertEquals(Set.of("c2"), s2.awaitUpdate().changed().keySet());
      assertEquals(Set.of("c2"), s3.awaitUpdate().changed().keySet());
      s1.assertNoUpdate(Duration.ofMillis(200));
      assertTrue(h.snapshot().type(ResourceType.CLUSTER_LOAD_ASSIGNMENT).orElseThrow().resource("c1").isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void initialFetchTimeoutReportsDoesNotExistOnce(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      setEndpoints(h, "v1", "c1");
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<RouteConfiguration> missing =
          h.subscribe(ResourceType.ROUTE_CONFIGURATION, "missing", Duration.ofMillis(200));
      RecordingSubscriber<RouteConfiguration> patient =
          h.subscribe(ResourceType.ROUTE_CONFIGURATION, "missing", Duration.ZERO);
      assertEquals("missing", missing.awaitDoesNotExist().name());
      missing.assertNoUpdate(Duration.ofMillis(400));
      patient.assertNoUpdate(Duration.ZERO);
      assertTrue(patient.events.isEmpty(), "a subscription without timeout waits for ever");
      assertEquals(1, h.stats.count("init_fetch_timeout", ResourceType.ROUTE_CONFIGURATION));
      assertEquals(ClientResourceStatus.DOES_NOT_EXIST, h.snapshot().type(ResourceType.ROUTE_CONFIGURATION)
          .orElseThrow().resource("missing").orElseThrow().status());

      // It may still come into existence.
      h.controlPlane.setSnapshot(snapshot("v2", List.of(), List.of(endpoints("c1", 80)), List.of(),
          List.of(route("r1", "example.com"), route("missing", "late.example.com"))));
      assertEquals(Set.of("missing"), missing.awaitUpdate().changed().keySet());
      assertEquals(Set.of("missing"), patient.awaitUpdate().changed().keySet());
      assertEquals(ClientResourceStatus.ACKED, h.snapshot().type(ResourceType.ROUTE_CONFIGURATION)
          .orElseThrow().resource("missing").orElseThrow().status());
    }
  }

  /** The proxy subscribes to routes while it applies listeners; the ACK carries the new names. */
  @ParameterizedTest
  @EnumSource(Variant.class)
  void subscribingFromInsideACallbackWorks(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      h.controlPlane.setSnapshot(snapshot("v1", List.of(), List.of(), List.of(listener("l1", "r1")),
          List.of(route("r1", "example.com"))));
      XdsClient client = h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<RouteConfiguration> routes = new RecordingSubscriber<>(h.loop);
      BlockingQueue<String> listenerNames = new LinkedBlockingQueue<>();
      client.subscribe(ResourceType.LISTENER, ResourceType.WILDCARD, new ResourceSubscriber<Listener>() {
        @Override
        public Map<String, String> onResources(Map<String, Listener> changed, Set<String> removed, String v) {
          changed.forEach((name, l) -> {
            listenerNames.add(name);
            client.subscribe(ResourceType.ROUTE_CONFIGURATION, l.getStatPrefix(), routes);
          });
          return Map.of();
        }
      });
      assertEquals("l1", listenerNames.poll(10, TimeUnit.SECONDS));
      RecordingSubscriber.Update<RouteConfiguration> update = routes.awaitUpdate();
      assertEquals(Set.of("r1"), update.changed().keySet());
      assertEquals(null, routes.offLoopCall);
    }
  }

  @Test
  void aSubscriberThatThrowsRejectsWhatItWasGiven() throws Exception {
    try (Harness h = Harness.tcp()) {
      h.controlPlane.setSnapshot(snapshot("v1", List.of(cluster("c1", "a")), List.of(), List.of(), List.of()));
      XdsClient client = h.startClient(XdsProtocol.STATE_OF_THE_WORLD, true);
      client.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD, (changed, removed, version) -> {
        throw new IllegalStateException("boom");
      });
      DiscoveryRequest nack = Acks.awaitSotwNack(h.controlPlane, ResourceType.CLUSTER);
      assertEquals("", nack.getVersionInfo());
      assertTrue(nack.getErrorDetail().getMessage().contains("c1: subscriber failed"),
          nack.getErrorDetail().getMessage());
      h.controlPlane.setSnapshot(snapshot("v2", List.of(), List.of(), List.of(), List.of()));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Variant.class, names = {"SOTW_ADS", "DELTA_ADS"})
  void nodeOnFirstMessageOnly(Variant variant) throws Exception {
    for (boolean firstOnly : new boolean[] {true, false}) {
      try (Harness h = Harness.tcp()) {
        setEndpoints(h, "v1", "c1");
        h.controlPlane.setSnapshot(snapshot("v1", List.of(cluster("c1", "a")), List.of(endpoints("c1", 80)),
            List.of(), List.of()));
        h.startClient(variant.protocol, variant.aggregated, c -> c.setNodeOnFirstMessageOnly(firstOnly));
        h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD).awaitUpdate();
        h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c1").awaitUpdate();
        Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v1");
        Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER_LOAD_ASSIGNMENT, "v1");
        List<Object> requests = List.copyOf(h.controlPlane.history);
        assertTrue(requests.size() >= 4, requests.toString());
        for (int i = 0; i < requests.size(); i++) {
          Object r = requests.get(i);
          boolean hasNode = r instanceof DiscoveryRequest d ? d.hasNode() : ((DeltaDiscoveryRequest) r).hasNode();
          if (i == 0 || !firstOnly) {
            assertTrue(hasNode, "request " + i + " has the node");
            assertEquals(Harness.NODE, r instanceof DiscoveryRequest d ? d.getNode()
                : ((DeltaDiscoveryRequest) r).getNode());
          } else {
            assertFalse(hasNode, "request " + i + " has no node");
          }
        }
      }
    }
  }

  @Test
  void closedClientRefusesSubscriptions() throws Exception {
    try (Harness h = Harness.tcp()) {
      XdsClient client = h.startClient(XdsProtocol.STATE_OF_THE_WORLD, true);
      client.close();
      RecordingSubscriber<Cluster> late = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      assertEquals(io.grpc.Status.Code.UNAVAILABLE, late.awaitError().status().getCode());
      assertFalse(h.snapshot().connected());
    }
  }
}
