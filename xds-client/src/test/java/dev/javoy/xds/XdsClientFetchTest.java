package dev.javoy.xds;

import static dev.javoy.xds.TestResources.cluster;
import static dev.javoy.xds.TestResources.endpoints;
import static dev.javoy.xds.TestResources.listener;
import static dev.javoy.xds.TestResources.route;
import static dev.javoy.xds.TestResources.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Initial fetch, updates and removals against java-control-plane, in all four protocol variants. */
@Timeout(60)
class XdsClientFetchTest {

  private static void setV1(Harness h) {
    h.controlPlane.setSnapshot(snapshot("v1",
        List.of(cluster("c1", "a"), cluster("c2", "a")),
        List.of(endpoints("c1", 80), endpoints("c2", 81)),
        List.of(listener("l1", "a"), listener("l2", "a")),
        List.of(route("r1", "example.com"))));
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void fetchesWildcardListenersAndClustersAndNamedRoutesAndEndpoints(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      setV1(h);
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      RecordingSubscriber<Listener> listeners = h.subscribe(ResourceType.LISTENER, ResourceType.WILDCARD);
      RecordingSubscriber<RouteConfiguration> routes = h.subscribe(ResourceType.ROUTE_CONFIGURATION, "r1");
      RecordingSubscriber<ClusterLoadAssignment> eds = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c1");

      RecordingSubscriber.Update<Cluster> c = clusters.awaitUpdate();
      assertEquals(Set.of("c1", "c2"), c.changed().keySet());
      assertEquals("a", c.changed().get("c1").getAltStatName());
      assertEquals("v1", c.version());
      assertEquals(Set.of("l1", "l2"), listeners.awaitUpdate().changed().keySet());
      RecordingSubscriber.Update<RouteConfiguration> r = routes.awaitUpdate();
      assertEquals(Set.of("r1"), r.changed().keySet());
      assertEquals("example.com", r.changed().get("r1").getVirtualHosts(0).getDomains(0));
      RecordingSubscriber.Update<ClusterLoadAssignment> e = eds.awaitUpdate();
      assertEquals(Set.of("c1"), e.changed().keySet());

      for (ResourceType<?> type : List.of(ResourceType.CLUSTER, ResourceType.LISTENER,
          ResourceType.ROUTE_CONFIGURATION, ResourceType.CLUSTER_LOAD_ASSIGNMENT)) {
        Acks.awaitAck(h.controlPlane, variant, type, "v1");
      }
      h.stats.awaitConnected(true, Acks.WAIT);

      XdsClientSnapshot snapshot = h.snapshot();
      assertTrue(snapshot.connected());
      XdsClientSnapshot.TypeSnapshot cds = snapshot.type(ResourceType.CLUSTER).orElseThrow();
      assertEquals("v1", cds.acceptedVersion());
      assertTrue(cds.wildcard());
      assertTrue(cds.lastUpdated().isPresent());
      XdsClientSnapshot.ResourceSnapshot c1 = cds.resource("c1").orElseThrow();
      assertEquals(ClientResourceStatus.ACKED, c1.status());
      assertEquals(cluster("c1", "a"), c1.resource().orElseThrow().unpack(Cluster.class));
      assertTrue(h.stats.count("update_success", ResourceType.CLUSTER) >= 1);
      assertEquals("v1", h.stats.versionText.get(ResourceType.CLUSTER));
      assertEquals(0, h.stats.count("update_rejected", ResourceType.CLUSTER));
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void updateDeliversOnlyWhatChanged(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      setV1(h);
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      RecordingSubscriber<ClusterLoadAssignment> eds = h.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, "c1");
      clusters.awaitUpdate();
      eds.awaitUpdate();
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v1");
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER_LOAD_ASSIGNMENT, "v1");

      h.controlPlane.setSnapshot(snapshot("v2",
          List.of(cluster("c1", "b"), cluster("c2", "a"), cluster("c3", "a")),
          List.of(endpoints("c1", 80), endpoints("c2", 81), endpoints("c3", 82)),
          List.of(), List.of()));

      RecordingSubscriber.Update<Cluster> update = clusters.awaitUpdate();
      assertEquals(Set.of("c1", "c3"), update.changed().keySet());
      assertEquals("b", update.changed().get("c1").getAltStatName());
      assertEquals(Set.of(), update.removed());
      assertEquals("v2", update.version());
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v2");
      // c1's endpoints did not change: its subscriber hears nothing.
      eds.assertNoUpdate(Duration.ofMillis(300));
      assertEquals("v2", h.snapshot().type(ResourceType.CLUSTER).orElseThrow().acceptedVersion());
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void removesWhatTheServerNoLongerHas(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      setV1(h);
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      RecordingSubscriber<Listener> listeners = h.subscribe(ResourceType.LISTENER, ResourceType.WILDCARD);
      clusters.awaitUpdate();
      listeners.awaitUpdate();
      Acks.awaitAck(h.controlPlane, variant, ResourceType.CLUSTER, "v1");
      Acks.awaitAck(h.controlPlane, variant, ResourceType.LISTENER, "v1");

      h.controlPlane.setSnapshot(snapshot("v2",
          List.of(cluster("c1", "a")), List.of(endpoints("c1", 80)),
          List.of(listener("l2", "a")), List.of(route("r1", "example.com"))));

      RecordingSubscriber.Update<Cluster> update = clusters.awaitUpdate();
      assertEquals(Set.of(), update.changed().keySet());
      assertEquals(Set.of("c2"), update.removed());
      RecordingSubscriber.Update<Listener> lds = listeners.awaitUpdate();
      assertEquals(Set.of("l1"), lds.removed());

      XdsClientSnapshot snapshot = h.snapshot();
      assertTrue(snapshot.type(ResourceType.CLUSTER).orElseThrow().resource("c2").isEmpty());
      assertTrue(snapshot.type(ResourceType.CLUSTER).orElseThrow().resource("c1").isPresent());
    }
  }

  /** A {@code host:port} target goes through gRPC's name resolution. */
  @Test
  void connectsToAHostName() throws Exception {
    try (Harness h = Harness.tcp()) {
      setV1(h);
      int port = ((InetSocketAddress) h.controlPlane.address()).getPort();
      h.startClient(XdsProtocol.DELTA, true, c -> c.server(XdsServerTarget.tcp("localhost", port)));
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      assertEquals(Set.of("c1", "c2"), clusters.awaitUpdate().changed().keySet());
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void fetchesSecrets(Variant variant) throws Exception {
    try (Harness h = Harness.tcp()) {
      Secret secret =
          Secret.newBuilder().setName("default")
              .setValidationContext(CertificateValidationContext.newBuilder().addVerifyCertificateSpki("spki")).build();
      h.controlPlane.setSnapshot(Snapshot.create(
          List.of(), List.of(), List.of(), List.of(), List.of(secret), "s1"));
      h.startClient(variant.protocol, variant.aggregated);
      RecordingSubscriber<Secret> secrets =
          h.subscribe(ResourceType.SECRET, "default");
      RecordingSubscriber.Update<Secret> update =
          secrets.awaitUpdate();
      assertEquals(secret, update.changed().get("default"));
      assertEquals("s1", update.version());
      Acks.awaitAck(h.controlPlane, variant, ResourceType.SECRET, "s1");
    }
  }
}
