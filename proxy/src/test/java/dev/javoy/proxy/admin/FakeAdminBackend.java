package dev.javoy.proxy.admin;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.TagExtractors;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClusterStatus;
import io.envoyproxy.envoy.admin.v3.Clusters;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.CommandLineOptions;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.HostHealthStatus;
import io.envoyproxy.envoy.admin.v3.HostStatus;
import io.envoyproxy.envoy.admin.v3.ListenerStatus;
import io.envoyproxy.envoy.admin.v3.Listeners;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import io.envoyproxy.envoy.admin.v3.SimpleMetric;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** An in-memory {@link AdminBackend} for the admin server tests. */
final class FakeAdminBackend implements AdminBackend {
  volatile ServerInfo.State state = ServerInfo.State.LIVE;
  volatile boolean healthCheckFailed;
  volatile String drained;
  volatile Map<String, String> runtimeOverrides;
  volatile boolean lastIncludeEds;
  final CountDownLatch quit = new CountDownLatch(1);
  final StatsStore stats = new StatsStore();
  final LoggerLevels loggers = new LoggerLevels("javoytest");
  private final JsonFormat.TypeRegistry registry = buildRegistry();

  FakeAdminBackend() {
    stats.counter("cluster.backend.upstream_rq_200").add(7);
    stats.gauge("server.live").set(1);
    stats.counter("server.unused");
  }

  static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }

  @Override
  public ServerInfo serverInfo() {
    return ServerInfo.newBuilder().setVersion("javoy/0.1.0/Clean/RELEASE").setState(state)
        .setHotRestartVersion("disabled").setUptimeCurrentEpoch(Duration.newBuilder().setSeconds(5))
        .setUptimeAllEpochs(Duration.newBuilder().setSeconds(5))
        .setCommandLineOptions(CommandLineOptions.newBuilder().setConcurrency(2))
        .setNode(Node.newBuilder().setId("sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local").setCluster("pod.ns"))
        .build();
  }

  @Override
  public ServerInfo.State state() {
    return state;
  }

  @Override
  public ConfigDump configDump(boolean includeEds) {
    lastIncludeEds = includeEds;
    ConfigDump.Builder dump = ConfigDump.newBuilder();
    dump.addConfigs(Any.pack(BootstrapConfigDump.newBuilder()
        .setBootstrap(Bootstrap.newBuilder().setNode(Node.newBuilder().setId("node-1"))).build()));
    dump.addConfigs(Any.pack(ClustersConfigDump.newBuilder().setVersionInfo("v7")
        .addStaticClusters(ClustersConfigDump.StaticCluster.newBuilder()
            .setCluster(Any.pack(Cluster.newBuilder().setName("xds-grpc").setAltStatName("xds").build())))
        .addDynamicActiveClusters(dynamicCluster("outbound|80||a.ns.svc.cluster.local"))
        .addDynamicActiveClusters(dynamicCluster("outbound|90||b.ns.svc.cluster.local"))
        .build()));
    if (includeEds) {
      dump.addConfigs(Any.pack(EndpointsConfigDump.newBuilder()
          .addDynamicEndpointConfigs(EndpointsConfigDump.DynamicEndpointConfig.newBuilder().setEndpointConfig(
              Any.pack(ClusterLoadAssignment.newBuilder().setClusterName("outbound|80||a.ns.svc.cluster.local")
                  .build())))
          .build()));
    }
    dump.addConfigs(Any.pack(ListenersConfigDump.newBuilder()
        .addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder().setName("virtualInbound")
            .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder().setVersionInfo("v1")
                .setListener(Any.pack(Listener.newBuilder().setName("virtualInbound")
                    .setAddress(address("0.0.0.0", 15006)).build()))))
        .build()));
    dump.addConfigs(Any.pack(SecretsConfigDump.newBuilder()
        .addDynamicActiveSecrets(SecretsConfigDump.DynamicSecret.newBuilder().setName("default")
            .setSecret(Any.pack(Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setInlineString("CERT"))
                .setPrivateKey(DataSource.newBuilder().setInlineString("THE-PRIVATE-KEY"))).build())))
        .build()));
    return dump.build();
  }

  private static ClustersConfigDump.DynamicCluster dynamicCluster(String name) {
    return ClustersConfigDump.DynamicCluster.newBuilder().setVersionInfo("v7")
        .setLastUpdated(Timestamp.newBuilder().setSeconds(1700000000))
        .setCluster(Any.pack(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
            .setConnectTimeout(Duration.newBuilder().setSeconds(10)).build()))
        .build();
  }

  @Override
  public JsonFormat.TypeRegistry typeRegistry() {
    return registry;
  }

  private static JsonFormat.TypeRegistry buildRegistry() {
    return JsonFormat.TypeRegistry.newBuilder()
        .add(List.of(ConfigDump.getDescriptor(), BootstrapConfigDump.getDescriptor(),
            ClustersConfigDump.getDescriptor(), ListenersConfigDump.getDescriptor(),
            SecretsConfigDump.getDescriptor(), EndpointsConfigDump.getDescriptor(),
            Cluster.getDescriptor(), Listener.getDescriptor(), Secret.getDescriptor(),
            ClusterLoadAssignment.getDescriptor()))
        .build();
  }

  @Override
  public Clusters clusters() {
    return Clusters.newBuilder().addClusterStatuses(ClusterStatus.newBuilder().setName("backend")
        .setObservabilityName("backend_obs").setAddedViaApi(true)
        .setCircuitBreakers(CircuitBreakers.newBuilder()
            .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT)
                .setMaxConnections(UInt32Value.of(100)).setMaxPendingRequests(UInt32Value.of(200))
                .setMaxRequests(UInt32Value.of(300)).setMaxRetries(UInt32Value.of(4)))
            .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.HIGH)
                .setMaxConnections(UInt32Value.of(1024)).setMaxPendingRequests(UInt32Value.of(1024))
                .setMaxRequests(UInt32Value.of(1024)).setMaxRetries(UInt32Value.of(3))))
        .addHostStatuses(HostStatus.newBuilder().setAddress(address("10.0.0.1", 8080)).setHostname("h1")
            .setWeight(1).setLocality(Locality.newBuilder().setRegion("r1").setZone("z1"))
            .setHealthStatus(HostHealthStatus.newBuilder().setFailedOutlierCheck(true))
            .addStats(SimpleMetric.newBuilder().setName("rq_total").setValue(12).setType(SimpleMetric.Type.COUNTER))
            .addStats(SimpleMetric.newBuilder().setName("cx_active").setValue(2).setType(SimpleMetric.Type.GAUGE))))
        .build();
  }

  @Override
  public Listeners listeners() {
    return Listeners.newBuilder()
        .addListenerStatuses(ListenerStatus.newBuilder().setName("listener_0")
            .setLocalAddress(address("0.0.0.0", 10000))
            .addAdditionalLocalAddresses(address("::", 10000)))
        .build();
  }

  @Override
  public StatsStore stats() {
    return stats;
  }

  @Override
  public TagExtractors tagExtractors() {
    return TagExtractors.defaults();
  }

  @Override
  public List<RuntimeLayer> runtimeLayers() {
    return List.of(new RuntimeLayer("static_layer_0", Map.of("a", "1", "b", "2")),
        new RuntimeLayer("admin", Map.of("b", "3")));
  }

  @Override
  public void modifyRuntime(Map<String, String> overrides) {
    runtimeOverrides = overrides;
  }

  @Override
  public void quitQuitQuit() {
    quit.countDown();
  }

  @Override
  public void setHealthCheckFailed(boolean failed) {
    healthCheckFailed = failed;
  }

  @Override
  public void drainListeners(boolean graceful, boolean inboundOnly, boolean skipExit) {
    drained = "graceful=" + graceful + ",inboundOnly=" + inboundOnly + ",skipExit=" + skipExit;
  }

  @Override
  public LoggerLevels loggerLevels() {
    return loggers;
  }
}
