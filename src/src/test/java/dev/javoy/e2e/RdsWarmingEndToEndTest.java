package dev.javoy.e2e;

import static dev.javoy.e2e.XdsResources.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-listener warming on RDS (Envoy's listener init manager with RDS init targets) against java-control-plane:
 * an LDS update naming a route configuration the server has not sent yet stays in {@code dynamic_warming_listeners}
 * (counted by {@code listener_manager.total_listeners_warming}) while the active version keeps serving with its
 * route table — no 404 NR — and swaps in once the route configuration arrives; a new listener naming a missing route
 * configuration is not bound until it arrives.
 */
class RdsWarmingEndToEndTest {
  @TempDir
  Path dir;

  private static Listener rdsListener(String name, int port, String routeConfig) throws Exception {
    return parse("""
        {"name": "%s", "address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}},
         "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
             "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
             "stat_prefix": "%s",
             "rds": {"route_config_name": "%s",
                     "config_source": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"}},
             "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
               "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}
        """.formatted(name, port, name, routeConfig), Listener.newBuilder()).build();
  }

  private static RouteConfiguration route(String name, String body) throws Exception {
    return parse("""
        {"name": "%s", "virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [
          {"match": {"prefix": "/"}, "direct_response": {"status": 200, "body": {"inline_string": "%s"}}}]}]}
        """.formatted(name, body), RouteConfiguration.newBuilder()).build();
  }

  /** A bootstrap taking listeners and clusters over (state of the world) ADS from 127.0.0.1:{@code cpPort}. */
  static String bootstrap(int admin, int cpPort) {
    return ControlPlane.adsBootstrap("{id: test-node, cluster: test}", admin, "GRPC", true,
        ControlPlane.tcpClusterYaml("xds-grpc", cpPort));
  }

  private static void push(ControlPlane cp, String version, List<Listener> listeners,
      List<RouteConfiguration> routes) {
    cp.set(Snapshot.create(List.of(), List.of(), listeners, routes, List.of(), version));
  }

  static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.call()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(100);
    }
  }

  static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String warmingGauge(String adminUrl) throws Exception {
    return Curl.run(adminUrl + "/stats?filter=total_listeners_warming").body().trim();
  }

  @Test
  void listenerUpdatesAndNewListenersWarmOnTheirRouteConfigurations() throws Exception {
    ControlPlane cp = ControlPlane.tcp();
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    int port2 = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, cp.adsBootstrap(admin, "GRPC"));
    JavoyProcess javoy = JavoyProcess.launch(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "info");
    String adminUrl = "http://127.0.0.1:" + admin;
    String url = "http://127.0.0.1:" + port + "/";
    try {
      // 1: the listener and its route configuration: ready and serving
      RouteConfiguration r1 = route("r1", "v1");
      push(cp, "1", List.of(rdsListener("http", port, "r1")), List.of(r1));
      await("readiness", () -> {
        try {
          return Curl.run(adminUrl + "/ready").status() == 200;
        } catch (IllegalStateException e) {
          return false;
        }
      });
      assertEquals("v1", Curl.run(url).body());

      // 2: an update naming route configuration r2, which the server does not have: it warms, the old one serves
      push(cp, "2", List.of(rdsListener("http", port, "r2")), List.of(r1));
      await("the warming update", () -> Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      String dump = Curl.run(adminUrl + "/config_dump").body();
      assertTrue(dump.indexOf("\"warming_state\"") < dump.indexOf("\"r2\""), dump); // r2 is in the warming version
      assertTrue(dump.contains("\"r2\""), dump);
      assertEquals("listener_manager.total_listeners_warming: 1", warmingGauge(adminUrl));
      for (int i = 0; i < 10; i++) {
        Curl.Result r = Curl.run(url);
        assertEquals(200, r.status(), "the active version must keep serving while the update warms");
        assertEquals("v1", r.body());
      }

      // 3: r2 arrives: the update goes active (hitless: same sockets) and routes with it
      push(cp, "3", List.of(rdsListener("http", port, "r2")), List.of(r1, route("r2", "v2")));
      await("the update to go active", () -> Curl.run(url).body().equals("v2"));
      await("no warming listener", () -> !Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      assertEquals("listener_manager.total_listeners_warming: 0", warmingGauge(adminUrl));

      // 4: a new listener naming the missing r3 is not bound until r3 arrives; the other keeps serving
      List<Listener> both = List.of(rdsListener("http", port, "r2"), rdsListener("http2", port2, "r3"));
      push(cp, "4", both, List.of(r1, route("r2", "v2")));
      await("the warming new listener", () -> Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      assertEquals("listener_manager.total_listeners_warming: 1", warmingGauge(adminUrl));
      assertTrue(!listening(port2), "a warming new listener must not be bound");
      assertEquals("v2", Curl.run(url).body());
      push(cp, "5", both, List.of(r1, route("r2", "v2"), route("r3", "v3")));
      await("the new listener", () -> listening(port2));
      assertEquals("v3", Curl.run("http://127.0.0.1:" + port2 + "/").body());
      assertEquals("v2", Curl.run(url).body());
      assertEquals("listener_manager.total_listeners_warming: 0", warmingGauge(adminUrl));
    } finally {
      javoy.close();
      cp.close();
    }
  }
}
