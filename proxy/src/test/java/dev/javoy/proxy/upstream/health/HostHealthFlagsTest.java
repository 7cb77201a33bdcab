package dev.javoy.proxy.upstream.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.LoadAssignments;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.admin.v3.HostHealthStatus;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host health flags: the combined {@code healthy()}, EDS health_status, the admin mapping, EDS updates. */
class HostHealthFlagsTest {
  private static Host host() {
    return new Host("c", new InetSocketAddress("127.0.0.1", 80), "", 1, 0, Metadata.getDefaultInstance());
  }

  @Test
  void healthyIsTheCombinedAnswerOfAllFlags() {
    Host h = host();
    assertTrue(h.healthy());
    assertEquals(Host.CoarseHealth.HEALTHY, h.coarseHealth());
    for (int flag : new int[] {Host.FAILED_ACTIVE_HC, Host.FAILED_OUTLIER_CHECK, Host.FAILED_EDS_HEALTH,
        Host.EDS_STATUS_DRAINING, Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL}) {
      h.healthFlagSet(flag);
      assertFalse(h.healthy());
      assertEquals(Host.CoarseHealth.UNHEALTHY, h.coarseHealth());
      h.healthFlagClear(flag);
    }
    h.healthFlagSet(Host.DEGRADED_ACTIVE_HC);
    assertEquals(Host.CoarseHealth.DEGRADED, h.coarseHealth());
    assertFalse(h.healthy(), "degraded hosts are not in the healthy set");
    h.healthFlagClear(Host.DEGRADED_ACTIVE_HC);
    h.healthFlagSet(Host.PENDING_ACTIVE_HC);
    assertTrue(h.healthy(), "pending alone does not make a host unhealthy");
    h.healthFlagSet(Host.FAILED_OUTLIER_CHECK | Host.FAILED_ACTIVE_HC);
    h.healthFlagClear(Host.FAILED_OUTLIER_CHECK);
    assertFalse(h.healthy(), "still failed by the active health check");
  }

  @Test
  void edsHealthStatusSetsEnvoysFlags() {
    Host h = host();
    h.setEdsHealth(HealthStatus.UNHEALTHY);
    assertTrue(h.healthFlagGet(Host.FAILED_EDS_HEALTH));
    h.setEdsHealth(HealthStatus.TIMEOUT);
    assertTrue(h.healthFlagGet(Host.FAILED_EDS_HEALTH));
    h.setEdsHealth(HealthStatus.DRAINING);
    assertFalse(h.healthFlagGet(Host.FAILED_EDS_HEALTH));
    assertTrue(h.healthFlagGet(Host.EDS_STATUS_DRAINING));
    assertFalse(h.healthy());
    h.setEdsHealth(HealthStatus.DEGRADED);
    assertTrue(h.healthFlagGet(Host.DEGRADED_EDS_HEALTH));
    assertEquals(Host.CoarseHealth.DEGRADED, h.coarseHealth());
    h.setEdsHealth(HealthStatus.HEALTHY);
    assertEquals(0, h.healthFlags());
    h.setEdsHealth(HealthStatus.UNKNOWN);
    assertTrue(h.healthy());
  }

  @Test
  void adminStatusMapsEveryFlag() {
    Host h = host();
    h.healthFlagSet(Host.FAILED_ACTIVE_HC | Host.FAILED_OUTLIER_CHECK | Host.PENDING_ACTIVE_HC
        | Host.ACTIVE_HC_TIMEOUT | Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL | Host.DEGRADED_ACTIVE_HC);
    h.setEdsHealth(HealthStatus.DRAINING);
    HostHealthStatus s = HostHealthStatuses.of(h);
    assertTrue(s.getFailedActiveHealthCheck());
    assertTrue(s.getFailedOutlierCheck());
    assertTrue(s.getPendingActiveHc());
    assertTrue(s.getActiveHcTimeout());
    assertTrue(s.getExcludedViaImmediateHcFail());
    assertTrue(s.getFailedActiveDegradedCheck());
    assertEquals(HealthStatus.DRAINING, s.getEdsHealthStatus());
    assertEquals(HealthStatus.HEALTHY, HostHealthStatuses.of(host()).getEdsHealthStatus());
  }

  private static ClusterLoadAssignment assignment(HealthStatus... statuses) {
    LocalityLbEndpoints.Builder g = LocalityLbEndpoints.newBuilder();
    for (int i = 0; i < statuses.length; i++) {
      g.addLbEndpoints(LbEndpoint.newBuilder().setHealthStatus(statuses[i]).setEndpoint(Endpoint.newBuilder()
          .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
              .setAddress("127.0.0.1").setPortValue(9000 + i)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName("eds").addEndpoints(g).build();
  }

  @Test
  void anEdsUpdateChangesTheHealthOfKeptHosts() throws Exception {
    StatsStore stats = new StatsStore();
    ClusterFactory factory = new ClusterFactory(stats, List.of(), (c, p) -> null);
    UpstreamCluster cluster = factory.create(Cluster.newBuilder().setName("eds")
        .setLoadAssignment(assignment(HealthStatus.HEALTHY)).build(), "clusters[0]");
    cluster.updateHosts(LoadAssignments.resolvedHosts("eds",
        assignment(HealthStatus.HEALTHY, HealthStatus.UNHEALTHY), ""));
    Host first = cluster.hosts().all().get(0);
    assertTrue(first.healthy());
    assertFalse(cluster.hosts().all().get(1).healthy());
    assertEquals(1, stats.gauge("cluster.eds.membership_healthy").value());

    cluster.updateHosts(LoadAssignments.resolvedHosts("eds",
        assignment(HealthStatus.DRAINING, HealthStatus.HEALTHY), ""));
    assertSame(first, cluster.hosts().all().get(0), "the host keeps its identity");
    assertTrue(first.healthFlagGet(Host.EDS_STATUS_DRAINING));
    assertTrue(cluster.hosts().all().get(1).healthy());
    assertEquals(1, stats.gauge("cluster.eds.membership_healthy").value());

    cluster.updateHosts(LoadAssignments.resolvedHosts("eds",
        assignment(HealthStatus.DEGRADED, HealthStatus.HEALTHY), ""));
    assertEquals(1, stats.gauge("cluster.eds.membership_degraded").value());
  }

  @Test
  void clusterRejectsUnsupportedHealthConfig() {
    ClusterFactory factory = new ClusterFactory(new StatsStore(), List.of(), (c, p) -> null);
    var hc = io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
        .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(1))
        .setUnhealthyThreshold(com.google.protobuf.UInt32Value.of(1))
        .setHealthyThreshold(com.google.protobuf.UInt32Value.of(1));
    ConfigException two = assertThrows(ConfigException.class, () -> factory.create(Cluster.newBuilder()
        .setName("c").addHealthChecks(hc.clone().setTcpHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck.getDefaultInstance()))
        .addHealthChecks(hc.clone().setTcpHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck.getDefaultInstance()))
        .build(), "clusters[0]"));
    assertTrue(two.getMessage().contains("clusters[0].health_checks"), two.getMessage());
    ConfigException grpc = assertThrows(ConfigException.class, () -> factory.create(Cluster.newBuilder()
        .setName("c").addHealthChecks(hc.clone().setGrpcHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.GrpcHealthCheck.getDefaultInstance())).build(),
        "clusters[0]"));
    assertTrue(grpc.getMessage().contains("HTTP/2"), grpc.getMessage());
    ConfigException eventLog = assertThrows(ConfigException.class, () -> factory.create(Cluster.newBuilder()
        .setName("c").addHealthChecks(hc.clone().setEventLogPath("/dev/null").setTcpHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck.getDefaultInstance())).build(),
        "clusters[0]"));
    assertTrue(eventLog.getMessage().contains("clusters[0].health_checks[0].event_log_path"), eventLog.getMessage());
  }
}
