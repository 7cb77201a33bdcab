package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * javoy configured over ADS by java-control-plane's V3DiscoveryServer (state of the world and delta): an EDS
 * cluster, a listener whose connection manager takes its routes over RDS; endpoint and route updates apply to
 * the next requests; a listener javoy cannot build is NACKed naming it while traffic keeps flowing.
 */
class XdsEndToEndTest {
  @TempDir
  Path dir;

  private static final String GROUP = "javoy";

  @ParameterizedTest
  @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
  void adsConfiguresListenersRoutesClustersAndEndpoints(String apiType) throws Exception {
    HttpServer a = TestBackends.http("A");
    HttpServer b = TestBackends.http("B");
    SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
    List<String> nacks = new CopyOnWriteArrayList<>();
    V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getTypeUrl() + " " + request.getErrorDetail().getMessage());
        }
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getTypeUrl() + " " + request.getErrorDetail().getMessage());
        }
      }
    }, cache);
    Server cp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    try {
      cache.setSnapshot(GROUP, snapshot("1", a.getAddress().getPort(), http, "/"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, bootstrap(admin, cp.getListenSockets().get(0), apiType));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2")) {
        try {
          Curl.Result first = Curl.run("http://127.0.0.1:" + http + "/x");
          assertTrue(first.body().startsWith("A GET /x"), first.toString());
        } catch (Exception | AssertionError e) {
          throw new AssertionError("javoy:\n" + javoy.output() + "\nconfig_dump:\n" + javoy.admin("/config_dump"), e);
        }
        // endpoint update: the EDS cluster now points at B
        cache.setSnapshot(GROUP, snapshot("2", b.getAddress().getPort(), http, "/"));
        awaitBody("http://127.0.0.1:" + http + "/y", "B GET /y");
        // route update: only /only matches now
        cache.setSnapshot(GROUP, snapshot("3", b.getAddress().getPort(), http, "/only"));
        awaitStatus("http://127.0.0.1:" + http + "/y", 404);
        assertEquals(200, Curl.run("http://127.0.0.1:" + http + "/only").status());
        // a listener javoy cannot build is rejected by name; the rest keeps serving
        Snapshot bad = snapshot("4", b.getAddress().getPort(), http, "/only", badListener());
        cache.setSnapshot(GROUP, bad);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (nacks.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(nacks.stream().anyMatch(n -> n.contains("bad_listener")), nacks.toString());
        assertEquals(200, Curl.run("http://127.0.0.1:" + http + "/only").status());
        String dump = javoy.admin("/config_dump?include_eds");
        assertTrue(dump.contains("dynamic_active_clusters"), dump);
        assertTrue(dump.contains("dynamic_listeners"), dump);
        assertTrue(dump.contains("dynamic_route_configs"), dump);
        assertTrue(javoy.admin("/stats").contains("control_plane.connected_state: 1"));
      }
    } finally {
      cp.shutdownNow();
      cp.awaitTermination(5, TimeUnit.SECONDS);
      a.stop(0);
      b.stop(0);
    }
  }

  /**
   * 100 pushes under load — a route configuration change on every push, the listener's filter chain changed
   * on every third — and no request fails.
   */
  @org.junit.jupiter.api.Test
  void hundredPushesUnderLoadFailNoRequest() throws Exception {
    HttpServer a = TestBackends.http("A");
    HttpServer b = TestBackends.http("B");
    SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
    Server cp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    try {
      cache.setSnapshot(GROUP, snapshot("0", a.getAddress().getPort(), http, "/"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, bootstrap(admin, cp.getListenSockets().get(0), "DELTA_GRPC"));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2")) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        List<Thread> load = new java.util.ArrayList<>();
        for (int t = 0; t < 2; t++) {
          Thread th = new Thread(() -> {
            while (running.get()) {
              try {
                var r = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + http + "/p")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                  ok.incrementAndGet();
                } else {
                  failures.add(r.statusCode() + " " + r.body());
                }
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
          });
          th.start();
          load.add(th);
        }
        for (int v = 1; v <= 100; v++) {
          String statPrefix = v % 3 == 0 ? "ingress_" + v : "ingress"; // every third push changes the chain
          cache.setSnapshot(GROUP, snapshotWithPrefix(Integer.toString(v), a.getAddress().getPort(), http,
              statPrefix));
          Thread.sleep(40);
        }
        Thread.sleep(500);
        running.set(false);
        for (Thread th : load) {
          th.join(10_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed, e.g. " + failures.stream().limit(3).toList());
        assertTrue(ok.get() > 200, "served " + ok.get());
      }
    } finally {
      running.set(false);
      cp.shutdownNow();
      a.stop(0);
      b.stop(0);
    }
  }

  private static Snapshot snapshotWithPrefix(String version, int backendPort, int listenerPort, String statPrefix) {
    Snapshot base = snapshot(version, backendPort, listenerPort, "/v" + version + "/x");
    // every version routes "/" too, so the load always has a route; the versioned prefix changes the RDS resource
    RouteConfiguration routes = base.routes().resources().values().iterator().next().toBuilder()
        .setVirtualHosts(0, base.routes().resources().values().iterator().next().getVirtualHosts(0).toBuilder()
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("svc")))).build();
    Listener l = listener("ingress", listenerPort, HttpConnectionManager.newBuilder().setStatPrefix(statPrefix)
        .setRds(Rds.newBuilder().setRouteConfigName("routes").setConfigSource(ads())));
    return Snapshot.create(base.clusters().resources().values(), base.endpoints().resources().values(), List.of(l),
        List.of(routes), List.of(), version);
  }

  /** The control plane goes away: traffic keeps flowing on the last config; when it returns, javoy resyncs. */
  @org.junit.jupiter.api.Test
  void lastGoodConfigServesWhileTheControlPlaneIsDownAndResyncsAfter() throws Exception {
    HttpServer a = TestBackends.http("A");
    HttpServer b = TestBackends.http("B");
    SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
    V3DiscoveryServer discovery = new V3DiscoveryServer(cache);
    int cpPort = JavoyProcess.freePort();
    Server cp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", cpPort))
        .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    try {
      cache.setSnapshot(GROUP, snapshot("1", a.getAddress().getPort(), http, "/"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, bootstrap(admin, new InetSocketAddress("127.0.0.1", cpPort), "GRPC"));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
        assertTrue(Curl.run("http://127.0.0.1:" + http + "/1").body().startsWith("A GET /1"));
        cp.shutdownNow();
        cp.awaitTermination(5, TimeUnit.SECONDS);
        awaitStat(javoy, "control_plane.connected_state: 0");
        for (int i = 0; i < 20; i++) {
          assertTrue(Curl.run("http://127.0.0.1:" + http + "/down").body().startsWith("A GET /down"));
        }
        // the control plane comes back (same address) with new endpoints
        cache.setSnapshot(GROUP, snapshot("2", b.getAddress().getPort(), http, "/"));
        cp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", cpPort))
            .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
        awaitBody("http://127.0.0.1:" + http + "/back", "B GET /back", 45);
        awaitStat(javoy, "control_plane.connected_state: 1");
      }
    } finally {
      cp.shutdownNow();
      a.stop(0);
      b.stop(0);
    }
  }

  private static void awaitStat(JavoyProcess javoy, String line) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (javoy.admin("/stats?filter=control_plane").contains(line)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("stat never became " + line + ": " + javoy.admin("/stats?filter=control_plane"));
  }

  /** Envoy's dynamic-config-fs shape: LDS and CDS from watched files, replaced atomically. */
  @org.junit.jupiter.api.Test
  void fileBasedXdsAppliesFileChanges() throws Exception {
    HttpServer a = TestBackends.http("A");
    HttpServer b = TestBackends.http("B");
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    Path lds = dir.resolve("lds.yaml");
    Path cds = dir.resolve("cds.yaml");
    try {
      Files.writeString(cds, cdsFile("svc_a", a.getAddress().getPort()) + cdsEntry("svc_b", b.getAddress().getPort()));
      Files.writeString(lds, ldsFile(http, "svc_a"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, """
          node: {id: id_1, cluster: test}
          admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
          dynamic_resources:
            cds_config: {path_config_source: {path: %s}}
            lds_config: {path_config_source: {path: %s}}
          """.formatted(admin, cds, lds));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
        assertTrue(Curl.run("http://127.0.0.1:" + http + "/f").body().startsWith("A GET /f"));
        Path tmp = dir.resolve("lds.yaml.tmp");
        Files.writeString(tmp, ldsFile(http, "svc_b"));
        Files.move(tmp, lds, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        awaitBody("http://127.0.0.1:" + http + "/g", "B GET /g");
        // a broken file keeps the last good config
        Files.writeString(tmp, "resources: [{\"@type\": type.googleapis.com/envoy.config.listener.v3.Listener, nope: 1}]");
        Files.move(tmp, lds, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(1500);
        assertTrue(Curl.run("http://127.0.0.1:" + http + "/h").body().startsWith("B GET /h"));
      }
    } finally {
      a.stop(0);
      b.stop(0);
    }
  }

  private static String cdsFile(String name, int port) {
    return "resources:\n" + cdsEntry(name, port);
  }

  private static String cdsEntry(String name, int port) {
    return """
        - "@type": type.googleapis.com/envoy.config.cluster.v3.Cluster
          name: %s
          type: STATIC
          load_assignment:
            cluster_name: %s
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
        """.formatted(name, name, port);
  }

  private static String ldsFile(int port, String cluster) {
    return """
        resources:
        - "@type": type.googleapis.com/envoy.config.listener.v3.Listener
          name: listener_0
          address: {socket_address: {address: 127.0.0.1, port_value: %d}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress_http
                http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]
                route_config:
                  name: local_route
                  virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: %s}}]}]
        """.formatted(port, cluster);
  }

  private static void awaitBody(String url, String prefix) throws Exception {
    awaitBody(url, prefix, 10);
  }

  private static void awaitBody(String url, String prefix, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    String body = "";
    while (System.nanoTime() < deadline) {
      body = Curl.run(url).body();
      if (body.startsWith(prefix)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never got " + prefix + ", last: " + body);
  }

  private static void awaitStatus(String url, int status) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int last = 0;
    while (System.nanoTime() < deadline) {
      last = Curl.run(url).status();
      if (last == status) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never got " + status + ", last: " + last);
  }

  private static String bootstrap(int admin, java.net.SocketAddress cp, String apiType) {
    int port = ((InetSocketAddress) cp).getPort();
    return """
        node: {id: test-node, cluster: test}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        dynamic_resources:
          ads_config:
            api_type: %s
            transport_api_version: V3
            set_node_on_first_message_only: true
            grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]
          lds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
          cds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
        static_resources:
          clusters:
          - name: xds-grpc
            type: STATIC
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: xds-grpc
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
        """.formatted(admin, apiType, port);
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  private static Snapshot snapshot(String version, int backendPort, int listenerPort, String prefix,
      Listener... extra) {
    Cluster cluster = Cluster.newBuilder().setName("svc").setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromSeconds(1))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads())).build();
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("svc")
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(address(backendPort))))).build();
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("routes")
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster("svc")))).build();
    List<Listener> listeners = new java.util.ArrayList<>(List.of(listener("ingress", listenerPort,
        HttpConnectionManager.newBuilder().setStatPrefix("ingress")
            .setRds(Rds.newBuilder().setRouteConfigName("routes").setConfigSource(ads())))));
    listeners.addAll(List.of(extra));
    return Snapshot.create(List.of(cluster), List.of(cla), listeners, List.of(routes), List.of(), version);
  }

  private static Listener badListener() {
    // scoped routes are not implemented: the listener is rejected with its path, the rest applies
    return listener("bad_listener", 1, HttpConnectionManager.newBuilder().setStatPrefix("bad")
        .setScopedRoutes(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes
            .newBuilder().setName("scopes")));
  }

  private static Listener listener(String name, int port, HttpConnectionManager.Builder hcm) {
    hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    return Listener.newBuilder().setName(name).setAddress(address(port))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }

  private static Address address(int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
        .setPortValue(port)).build();
  }
}
