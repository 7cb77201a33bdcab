package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
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
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What xDS shows an operator, against a javoy process configured over delta ADS: the
 * {@code http.<stat_prefix>.rds.<route_config_name>.*} stats of an RDS route configuration, and the
 * {@code error_state} that {@code /config_dump} gives listeners, clusters and route configurations whose last
 * update was NACKed (while the last good versions keep serving).
 */
class XdsVisibilityEndToEndTest {
  private static final String GROUP = "javoy";

  @TempDir
  Path dir;

  @Test
  void rdsStatsCountUpdatesAndNackedResourcesShowTheirErrorState() throws Exception {
    HttpServer backend = TestBackends.http("A");
    SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
    Server cp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    int backendPort = backend.getAddress().getPort();
    try {
      cache.setSnapshot(GROUP, snapshot("1", backendPort, http, routes("/"), List.of(), List.of()));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, bootstrap(admin, ((InetSocketAddress) cp.getListenSockets().get(0)).getPort()));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
        assertEquals(200, Curl.run("http://127.0.0.1:" + http + "/a").status());
        assertEquals(1, stat(javoy, "http.ingress.rds.routes.update_success"));
        assertEquals(1, stat(javoy, "http.ingress.rds.routes.config_reload"));
        assertEquals(1, stat(javoy, "http.ingress.rds.routes.update_attempt"));
        assertEquals(0, stat(javoy, "http.ingress.rds.routes.update_rejected"));
        assertTrue(stat(javoy, "http.ingress.rds.routes.version") > 0);
        // version_info as Envoy's text readouts: quoted in /stats, strings in JSON, absent from Prometheus
        String texts = javoy.admin("/stats?filter=version_text");
        assertTrue(texts.contains("cluster_manager.cds.version_text: \"1\"\n"), texts);
        assertTrue(texts.contains("listener_manager.lds.version_text: \"1\"\n"), texts);
        assertTrue(texts.contains("http.ingress.rds.routes.version_text: \"1\"\n"), texts);
        assertTrue(javoy.admin("/stats?format=json&filter=cds.version_text")
            .contains("{\"name\":\"cluster_manager.cds.version_text\",\"value\":\"1\"}"));
        assertTrue(!javoy.admin("/stats/prometheus").contains("version_text"));

        // a route update reloads
        cache.setSnapshot(GROUP, snapshot("2", backendPort, http, routes("/only"), List.of(), List.of()));
        awaitStat(javoy, "http.ingress.rds.routes.config_reload", 2);
        assertEquals(404, Curl.run("http://127.0.0.1:" + http + "/a").status());

        // a listener and a cluster javoy cannot build, and a route configuration it cannot build: all NACKed
        Listener badListener = listener("bad_listener", 1, HttpConnectionManager.newBuilder().setStatPrefix("bad")
            .setScopedRoutes(ScopedRoutes.newBuilder().setName("scopes")));
        // (health checks and hash policies, which these once used, are supported now)
        Cluster badCluster = staticCluster("bad_cluster", backendPort).toBuilder()
            .setLbSubsetConfig(Cluster.LbSubsetConfig.newBuilder() // subset load balancing: not built
                .setFallbackPolicy(Cluster.LbSubsetConfig.LbSubsetFallbackPolicy.ANY_ENDPOINT)).build();
        RouteConfiguration badRoutes = routes("/only").toBuilder().setVirtualHosts(0, routes("/only")
            .getVirtualHosts(0).toBuilder().setRoutes(0, routes("/only").getVirtualHosts(0).getRoutes(0).toBuilder()
                .setRoute(RouteAction.newBuilder().setCluster("svc").addHashPolicy(
                    RouteAction.HashPolicy.newBuilder().setFilterState( // a hash policy javoy rejects
                        RouteAction.HashPolicy.FilterState.newBuilder().setKey("k")))))).build();
        cache.setSnapshot(GROUP, snapshot("3", backendPort, http, badRoutes, List.of(badListener),
            List.of(badCluster)));
        awaitStat(javoy, "http.ingress.rds.routes.update_rejected", 1);
        String dump = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          dump = javoy.admin("/config_dump");
          if (dump.contains("bad_listener") && dump.contains("bad_cluster")) {
            break;
          }
          Thread.sleep(100);
        }
        // the listener: name plus error_state with the rejected config, when and why
        int l = dump.indexOf("\"name\": \"bad_listener\"");
        assertTrue(l > 0, dump);
        String listenerPart = dump.substring(l, Math.min(dump.length(), l + 3000));
        assertTrue(listenerPart.contains("\"error_state\""), listenerPart);
        assertTrue(listenerPart.contains("\"failed_configuration\""), listenerPart);
        assertTrue(listenerPart.contains("\"last_update_attempt\""), listenerPart);
        assertTrue(listenerPart.contains("scoped_routes"), listenerPart);
        assertTrue(listenerPart.contains("\"version_info\": \"3\""), listenerPart);
        assertTrue(dump.contains("lb_subset_config: field not supported"), dump);
        assertTrue(dump.contains("hash_policy"), dump);
        // the good versions keep serving
        assertEquals(200, Curl.run("http://127.0.0.1:" + http + "/only").status());

        // fixed: the route configuration's error_state goes away with its next accepted version
        cache.setSnapshot(GROUP, snapshot("4", backendPort, http, routes("/"), List.of(), List.of()));
        awaitStat(javoy, "http.ingress.rds.routes.config_reload", 3);
        String fixed = javoy.admin("/config_dump");
        assertTrue(!fixed.contains("filter_state"), fixed);
        // as Envoy's error_state_tracker, a listener that never applied keeps its error_state after it is dropped
      }
    } finally {
      cp.shutdownNow();
      cp.awaitTermination(5, TimeUnit.SECONDS);
      backend.stop(0);
    }
  }

  private static long stat(JavoyProcess javoy, String name) throws Exception {
    String filter = java.net.URLEncoder.encode("^" + name.replace(".", "\\.") + "$", StandardCharsets.UTF_8);
    for (String line : javoy.admin("/stats?filter=" + filter).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return -1;
  }

  private static void awaitStat(JavoyProcess javoy, String name, long atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long last = -1;
    while (System.nanoTime() < deadline) {
      last = stat(javoy, name);
      if (last >= atLeast) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " stayed at " + last + ": " + javoy.admin("/stats?filter=rds"));
  }

  private static String bootstrap(int admin, int cpPort) {
    return """
        node: {id: test-node, cluster: test}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        dynamic_resources:
          ads_config:
            api_type: DELTA_GRPC
            transport_api_version: V3
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
        """.formatted(admin, cpPort);
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  private static Snapshot snapshot(String version, int backendPort, int listenerPort, RouteConfiguration routes,
      List<Listener> extraListeners, List<Cluster> extraClusters) {
    List<Cluster> clusters = new ArrayList<>(List.of(staticCluster("svc", backendPort)));
    clusters.addAll(extraClusters);
    List<Listener> listeners = new ArrayList<>(List.of(listener("ingress", listenerPort,
        HttpConnectionManager.newBuilder().setStatPrefix("ingress")
            .setRds(Rds.newBuilder().setRouteConfigName("routes").setConfigSource(ads())))));
    listeners.addAll(extraListeners);
    return Snapshot.create(clusters, List.of(), listeners, List.of(routes), List.of(), version);
  }

  private static RouteConfiguration routes(String prefix) {
    return RouteConfiguration.newBuilder().setName("routes")
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster("svc")))).build();
  }

  private static Cluster staticCluster(String name, int port) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Durations.fromSeconds(1))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(address(port)))))).build();
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
