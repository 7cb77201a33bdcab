package dev.javoy.proxy.server;

import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.javoy.proxy.admin.AdminBackend;
import dev.javoy.proxy.accesslog.AccessLogFiles;
import dev.javoy.proxy.admin.RuntimeLayer;
import dev.javoy.proxy.listener.ActiveListener;
import dev.javoy.proxy.listener.FilterChain;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.TagExtractors;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
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
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import io.envoyproxy.envoy.admin.v3.SimpleMetric;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** The running server as the admin API sees it. Called on the main thread; answers from memory. */
final class ServerAdmin implements AdminBackend {
  /** {@code GET /certs} (h-tls2): the certificates of every TLS context in use. */
  @Override
  public io.envoyproxy.envoy.admin.v3.Certificates certificates() {
    return dev.javoy.proxy.tls.CertificatesInUse.dump(System.currentTimeMillis());
  }

  private static final String HCM_TYPE =
      "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();

  private final Server server;

  ServerAdmin(Server server) {
    this.server = server;
  }

  @Override
  public ServerInfo serverInfo() {
    long uptime = (System.currentTimeMillis() - server.startMillis) / 1000;
    ServerOptions o = server.options;
    CommandLineOptions.Builder cli = CommandLineOptions.newBuilder()
        .setConcurrency(o.concurrency())
        .setConfigPath(o.configPath() == null ? "" : o.configPath())
        .setConfigYaml(o.configYaml() == null ? "" : o.configYaml())
        .setAllowUnknownStaticFields(o.allowUnknownStaticFields())
        .setRejectUnknownDynamicFields(o.rejectUnknownDynamicFields())
        .setServiceCluster(o.serviceCluster() == null ? "" : o.serviceCluster())
        .setServiceNode(o.serviceNode() == null ? "" : o.serviceNode())
        .setServiceZone(o.serviceZone() == null ? "" : o.serviceZone())
        .setDrainTime(com.google.protobuf.util.Durations.fromMillis(o.drainTime().toMillis()))
        .setParentShutdownTime(com.google.protobuf.util.Durations.fromMillis(o.parentShutdownTime().toMillis()))
        .setFileFlushInterval(com.google.protobuf.util.Durations.fromMillis(o.fileFlushInterval().toMillis()))
        .setMode(switch (o.mode()) {
          case SERVE -> CommandLineOptions.Mode.Serve;
          case VALIDATE -> CommandLineOptions.Mode.Validate;
          case INIT_ONLY -> CommandLineOptions.Mode.InitOnly;
        })
        .setDrainStrategy(o.drainStrategy() == ServerOptions.DrainStrategy.IMMEDIATE
            ? CommandLineOptions.DrainStrategy.Immediate : CommandLineOptions.DrainStrategy.Gradual)
        .setLocalAddressIpVersion(o.localAddressIpVersion().equals("v6")
            ? CommandLineOptions.IpVersion.v6 : CommandLineOptions.IpVersion.v4)
        .setDisableHotRestart(true);
    return ServerInfo.newBuilder()
        .setVersion(ServerVersion.string())
        .setState(state())
        .setHotRestartVersion("disabled")
        .setUptimeCurrentEpoch(com.google.protobuf.Duration.newBuilder().setSeconds(uptime))
        .setUptimeAllEpochs(com.google.protobuf.Duration.newBuilder().setSeconds(uptime))
        .setCommandLineOptions(cli)
        .setNode(server.bootstrap.getNode())
        .build();
  }

  @Override
  public ServerInfo.State state() {
    return server.state();
  }

  @Override
  public ConfigDump configDump(boolean includeEds) {
    var lastUpdated = Timestamps.fromMillis(server.startMillis);
    ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder();
    EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
    for (UpstreamCluster c : server.clusterManager.all()) {
      if (!server.clusterManager.isStatic(c.name())) {
        continue;
      }
      clusters.addStaticClusters(ClustersConfigDump.StaticCluster.newBuilder()
          .setCluster(Any.pack(c.config())).setLastUpdated(lastUpdated));
      if (c.config().hasLoadAssignment()) {
        endpoints.addStaticEndpointConfigs(EndpointsConfigDump.StaticEndpointConfig.newBuilder()
            .setEndpointConfig(Any.pack(c.config().getLoadAssignment())).setLastUpdated(lastUpdated));
      }
    }
    java.util.Set<UpstreamCluster> warming = new java.util.HashSet<>(server.clusterManager.warming());
    java.util.Set<String> clustersWithState = new java.util.HashSet<>();
    for (var d : server.clusterManager.dynamicClusters()) {
      var dc = ClustersConfigDump.DynamicCluster.newBuilder().setVersionInfo(d.version())
          .setCluster(Any.pack(d.cluster().config())).setLastUpdated(Timestamps.fromMillis(d.lastUpdatedMillis()));
      clustersWithState.add(d.cluster().name());
      UpdateFailureState clusterError = server.xds == null ? null : server.xds.clusterErrors().get(d.cluster().name());
      if (clusterError != null) {
        dc.setErrorState(clusterError);
      }
      if (warming.contains(d.cluster())) {
        clusters.addDynamicWarmingClusters(dc);
      } else {
        clusters.addDynamicActiveClusters(dc);
      }
      var eds = d.cluster().edsAssignment();
      if (eds != null) {
        endpoints.addDynamicEndpointConfigs(EndpointsConfigDump.DynamicEndpointConfig.newBuilder()
            .setVersionInfo(d.version()).setEndpointConfig(Any.pack(eds))
            .setLastUpdated(Timestamps.fromMillis(d.lastUpdatedMillis())));
      }
    }
    if (server.xds != null) {
      // clusters rejected before any version of them was accepted: only their error_state
      server.xds.clusterErrors().all().forEach((name, error) -> {
        if (!clustersWithState.contains(name)) {
          clusters.addDynamicActiveClusters(ClustersConfigDump.DynamicCluster.newBuilder().setErrorState(error)
              );
        }
      });
    }
    ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder();
    java.util.Set<String> listenersWithState = new java.util.HashSet<>();
    RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
    for (ActiveListener l : server.listenerManager.listeners()) {
      String version = server.listenerManager.version(l.config().name());
      if (version != null) {
        var dl = ListenersConfigDump.DynamicListener.newBuilder().setName(l.config().name())
            .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder().setVersionInfo(version)
                .setListener(Any.pack(l.config().proto())).setLastUpdated(lastUpdated));
        UpdateFailureState error = server.xds == null ? null : server.xds.listenerErrors().get(l.config().name());
        if (error != null) {
          dl.setErrorState(error);
        }
        addWarmingState(dl, l.config().name(), version, lastUpdated);
        listenersWithState.add(l.config().name());
        listeners.addDynamicListeners(dl);
        continue;
      }
      listeners.addStaticListeners(ListenersConfigDump.StaticListener.newBuilder()
          .setListener(Any.pack(l.config().proto())).setLastUpdated(lastUpdated));
      for (FilterChain fc : l.config().matcher().chains()) {
        addInlineRoutes(fc, routes, lastUpdated);
      }
      if (l.config().matcher().defaultChain() != null) {
        addInlineRoutes(l.config().matcher().defaultChain(), routes, lastUpdated);
      }
    }
    for (String name : server.listenerManager.warming().keySet()) {
      if (listenersWithState.add(name)) { // warming without an active version (h-tls2: warming on secrets)
        var dl = ListenersConfigDump.DynamicListener.newBuilder().setName(name);
        addWarmingState(dl, name, server.listenerManager.version(name), lastUpdated);
        listeners.addDynamicListeners(dl);
      }
    }
    if (server.xds != null) {
      // Envoy's ListenerManagerImpl: a listener whose last update was rejected shows its error_state
      server.xds.listenerErrors().all().forEach((name, error) -> {
        if (!listenersWithState.contains(name)) {
          listeners.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder().setName(name)
              .setErrorState(error));
        }
      });
      server.xds.routeProviders().forEach((name, p) -> {
        var dr = RoutesConfigDump.DynamicRouteConfig.newBuilder().setVersionInfo(p.version())
            .setRouteConfig(Any.pack(p.config()));
        long updated = server.xds.routeLastUpdatedMillis(name);
        if (updated > 0) {
          dr.setLastUpdated(Timestamps.fromMillis(updated));
        }
        UpdateFailureState error = server.xds.routeErrors().get(name);
        if (error != null) {
          dr.setErrorState(error);
        }
        routes.addDynamicRouteConfigs(dr);
      });
    }
    ConfigDump.Builder dump = ConfigDump.newBuilder()
        .addConfigs(Any.pack(BootstrapConfigDump.newBuilder()
            .setBootstrap(server.bootstrap).setLastUpdated(lastUpdated).build()))
        .addConfigs(Any.pack(clusters.build()));
    if (includeEds) {
      dump.addConfigs(Any.pack(endpoints.build()));
    }
    if (server.xds != null && !server.xds.httpFilterConfigs().isEmpty()) { // ecds_filter_http (h-xdsrest)
      var ecds = io.envoyproxy.envoy.admin.v3.EcdsConfigDump.newBuilder();
      for (var r : server.xds.httpFilterConfigs()) {
        ecds.addEcdsFilters(io.envoyproxy.envoy.admin.v3.EcdsConfigDump.EcdsFilterConfig.newBuilder()
            .setVersionInfo(r.version()).setEcdsFilter(Any.pack(r.config()))
            .setLastUpdated(Timestamps.fromMillis(r.lastUpdatedMillis())));
      }
      dump.addConfigs(Any.pack(ecds.build()));
    }
    return dump.addConfigs(Any.pack(listeners.build()))
        .addConfigs(Any.pack(routes.build()))
        .addConfigs(Any.pack(secrets(lastUpdated)))
        .build();
  }

  /** Envoy's SecretsConfigDump: static secrets, then SDS secrets (active and warming), redacted. */
  private SecretsConfigDump secrets(com.google.protobuf.Timestamp lastUpdated) {
    SecretsConfigDump.Builder out = SecretsConfigDump.newBuilder();
    server.secrets.addTo(out, lastUpdated);
    server.sds.addTo(out);
    return out.build();
  }

  /** A listener waiting for its secrets shows as Envoy's {@code warming_state} (h-tls2). */
  private void addWarmingState(ListenersConfigDump.DynamicListener.Builder dl, String name, String version,
      com.google.protobuf.Timestamp lastUpdated) {
    dev.javoy.proxy.listener.ListenerConfig w = server.listenerManager.warming().get(name);
    if (w != null) {
      dl.setWarmingState(ListenersConfigDump.DynamicListenerState.newBuilder()
          .setVersionInfo(version == null ? "" : version).setListener(Any.pack(w.proto())).setLastUpdated(lastUpdated));
    }
  }

  private static void addInlineRoutes(FilterChain fc, RoutesConfigDump.Builder routes,
      com.google.protobuf.Timestamp lastUpdated) {
    for (var f : fc.config().getFiltersList()) {
      if (f.getTypedConfig().getTypeUrl().equals(HCM_TYPE)) {
        try {
          HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
          if (hcm.hasRouteConfig()) {
            routes.addStaticRouteConfigs(RoutesConfigDump.StaticRouteConfig.newBuilder()
                .setRouteConfig(Any.pack(hcm.getRouteConfig())).setLastUpdated(lastUpdated));
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          // built from this very config; cannot be malformed
        }
      }
    }
  }

  @Override
  public JsonFormat.TypeRegistry typeRegistry() {
    return server.registry.typeRegistry();
  }

  @Override
  public Clusters clusters() {
    Clusters.Builder out = Clusters.newBuilder();
    for (UpstreamCluster c : server.clusterManager.all()) {
      ClusterStatus.Builder cs = ClusterStatus.newBuilder().setName(c.name()).setAddedViaApi(false);
      var cb = c.circuitBreakers();
      cs.setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
          .addThresholds(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.newBuilder()
              .setMaxConnections(u32(cb.maxConnections())).setMaxPendingRequests(u32(cb.maxPendingRequests()))
              .setMaxRequests(u32(cb.maxRequests())).setMaxRetries(u32(cb.maxRetries()))));
      for (Host h : c.hosts().all()) {
        HostStatus.Builder hs = cs.addHostStatusesBuilder();
        if (h.outlier().successRate() >= 0) {
          hs.setSuccessRate(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(h.outlier().successRate()));
        }
        if (h.outlier().localOriginSuccessRate() >= 0) {
          hs.setLocalOriginSuccessRate(
              io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(h.outlier().localOriginSuccessRate()));
        }
        hs
            .setAddress(address(h.address()))
            .setHostname(h.hostname())
            .setWeight(h.weight())
            .setPriority(h.priority())
            .setHealthStatus(dev.javoy.proxy.upstream.health.HostHealthStatuses.of(h))
            .addStats(counter("cx_connect_fail", h.cxConnectFail.sum()))
            .addStats(counter("cx_total", h.cxTotal.sum()))
            .addStats(counter("rq_error", h.rqError.sum()))
            .addStats(counter("rq_success", h.rqSuccess.sum()))
            .addStats(counter("rq_timeout", h.rqTimeout.sum()))
            .addStats(counter("rq_total", h.rqTotal.sum()))
            .addStats(gauge("cx_active", h.cxActive.sum()))
            .addStats(gauge("rq_active", h.rqActive.sum()));
      }
      out.addClusterStatuses(cs);
    }
    return out.build();
  }

  private static com.google.protobuf.UInt32Value u32(long v) {
    return com.google.protobuf.UInt32Value.of((int) Math.min(v, 0xFFFFFFFFL));
  }

  private static SimpleMetric counter(String name, long v) {
    return SimpleMetric.newBuilder().setType(SimpleMetric.Type.COUNTER).setName(name).setValue(v).build();
  }

  private static SimpleMetric gauge(String name, long v) {
    return SimpleMetric.newBuilder().setType(SimpleMetric.Type.GAUGE).setName(name).setValue(v).build();
  }

  static Address address(java.net.SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
          .setAddress(i.getAddress() == null ? i.getHostString() : io.netty.util.NetUtil.toAddressString(i.getAddress()))
          .setPortValue(i.getPort())).build();
    }
    if (a instanceof DomainSocketAddress d) {
      return Address.newBuilder().setPipe(Pipe.newBuilder().setPath(d.path())).build();
    }
    return Address.getDefaultInstance();
  }

  @Override
  public Listeners listeners() {
    Listeners.Builder out = Listeners.newBuilder();
    for (ActiveListener l : server.listenerManager.listeners()) {
      out.addListenerStatuses(ListenerStatus.newBuilder().setName(l.config().name())
          .setLocalAddress(address(l.boundAddress())));
    }
    return out.build();
  }

  @Override
  public StatsStore stats() {
    return server.stats;
  }

  @Override
  public TagExtractors tagExtractors() {
    return server.tagExtractors;
  }

  @Override
  public List<RuntimeLayer> runtimeLayers() {
    return server.features.runtimeLayers;
  }

  @Override
  public void quitQuitQuit() {
    server.shutdown(false);
  }

  @Override
  public void setHealthCheckFailed(boolean failed) {
    server.setHealthCheckFailed(failed);
  }

  @Override
  public void drainListeners(boolean graceful, boolean inboundOnly, boolean skipExit) {
    server.drainListeners(graceful, inboundOnly, skipExit);
  }

  @Override
  public void reopenAccessLogs() {
    AccessLogFiles files = AccessLogFiles.find(server.stats);
    if (files != null) {
      files.reopenAll();
    }
  }
}
