package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes;
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
  @TempDir
  Path dir;

  @Test
  void rdsStatsCountUpdatesAndNackedResourcesShowTheirErrorState() throws Exception {
    HttpServer backend = TestBackends.http("A");
    ControlPlane cp = ControlPlane.tcp();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    int backendPort = backend.getAddress().getPort();
    try {
      cp.set(snapshot("1", backendPort, http, routes("/"), List.of(), List.of()));
      Path config = dir.resolve("envoy.yaml");
      // node sent on every message: set_node_on_first_message_only off
      Files.writeString(config, cp.adsBootstrap("{id: test-node, cluster: test}", admin, "DELTA_GRPC", false));
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
        cp.set(snapshot("2", backendPort, http, routes("/only"), List.of(), List.of()));
        awaitStat(javoy, "http.ingress.rds.routes.config_reload", 2);
        assertEquals(404, Curl.run("http://127.0.0.1:" + http + "/a").status());

        // a listener and a cluster javoy cannot build, and a route configuration it cannot build: all NACKed
        Listener badListener = XdsResources.listener("bad_listener", 1, HttpConnectionManager.newBuilder()
            .setStatPrefix("bad")
            .setScopedRoutes(ScopedRoutes.newBuilder().setName("scopes")));
        // (health checks and hash policies, which these once used, are supported now)
        Cluster badCluster = XdsResources.staticCluster("bad_cluster", backendPort).toBuilder()
            .setLbSubsetConfig(Cluster.LbSubsetConfig.newBuilder() // subset load balancing: not built
                .setFallbackPolicy(Cluster.LbSubsetConfig.LbSubsetFallbackPolicy.ANY_ENDPOINT)).build();
        RouteConfiguration badRoutes = routes("/only").toBuilder().setVirtualHosts(0, routes("/only")
            .getVirtualHosts(0).toBuilder().setRoutes(0, routes("/only").getVirtualHosts(0).getRoutes(0).toBuilder()
                .setRoute(RouteAction.newBuilder().setCluster("svc").addHashPolicy(
                    RouteAction.HashPolicy.newBuilder().setFilterState( // a hash policy javoy rejects
                        RouteAction.HashPolicy.FilterState.newBuilder().setKey("k")))))).build();
        cp.set(snapshot("3", backendPort, http, badRoutes, List.of(badListener),
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
        cp.set(snapshot("4", backendPort, http, routes("/"), List.of(), List.of()));
        awaitStat(javoy, "http.ingress.rds.routes.config_reload", 3);
        String fixed = javoy.admin("/config_dump");
        assertTrue(!fixed.contains("filter_state"), fixed);
        // as Envoy's error_state_tracker, a listener that never applied keeps its error_state after it is dropped
      }
    } finally {
      cp.close();
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

  private static Snapshot snapshot(String version, int backendPort, int listenerPort, RouteConfiguration routes,
      List<Listener> extraListeners, List<Cluster> extraClusters) {
    List<Cluster> clusters = new ArrayList<>(List.of(XdsResources.staticCluster("svc", backendPort)));
    clusters.addAll(extraClusters);
    List<Listener> listeners = new ArrayList<>(List.of(XdsResources.listener("ingress", listenerPort,
        XdsResources.rdsConnectionManager("ingress", "routes"))));
    listeners.addAll(extraListeners);
    return Snapshot.create(clusters, List.of(), listeners, List.of(routes), List.of(), version);
  }

  private static RouteConfiguration routes(String prefix) {
    return XdsResources.routes("routes", prefix, "svc");
  }
}
