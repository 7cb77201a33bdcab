package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  @ParameterizedTest
  @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
  void adsConfiguresListenersRoutesClustersAndEndpoints(String apiType) throws Exception {
    HttpServer a = TestBackends.http("A");
    HttpServer b = TestBackends.http("B");
    ControlPlane cp = ControlPlane.tcp();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    try {
      cp.set(snapshot("1", a.getAddress().getPort(), http, "/"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, cp.adsBootstrap(admin, apiType));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2")) {
        try {
          Curl.Result first = Curl.run("http://127.0.0.1:" + http + "/x");
          assertTrue(first.body().startsWith("A GET /x"), first.toString());
        } catch (Exception | AssertionError e) {
          throw new AssertionError("javoy:\n" + javoy.output() + "\nconfig_dump:\n" + javoy.admin("/config_dump"), e);
        }
        // endpoint update: the EDS cluster now points at B
        cp.set(snapshot("2", b.getAddress().getPort(), http, "/"));
        awaitBody("http://127.0.0.1:" + http + "/y", "B GET /y");
        // route update: only /only matches now
        cp.set(snapshot("3", b.getAddress().getPort(), http, "/only"));
        awaitStatus("http://127.0.0.1:" + http + "/y", 404);
        assertEquals(200, Curl.run("http://127.0.0.1:" + http + "/only").status());
        // a listener javoy cannot build is rejected by name; the rest keeps serving
        Snapshot bad = snapshot("4", b.getAddress().getPort(), http, "/only", badListener());
        cp.set(bad);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cp.nacks().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(cp.nacks().stream().anyMatch(n -> n.message().contains("bad_listener")), cp.nacks().toString());
        assertEquals(200, Curl.run("http://127.0.0.1:" + http + "/only").status());
        String dump = javoy.admin("/config_dump?include_eds");
        assertTrue(dump.contains("dynamic_active_clusters"), dump);
        assertTrue(dump.contains("dynamic_listeners"), dump);
        assertTrue(dump.contains("dynamic_route_configs"), dump);
        assertTrue(javoy.admin("/stats").contains("control_plane.connected_state: 1"));
      }
    } finally {
      cp.close();
      a.stop(0);
      b.stop(0);
    }
  }

  /**
   * 100 pushes under load — a route configuration change on every push, the listener's filter chain changed
   * on every third — and no request fails. Each push waits for javoy's ACK of the new route configuration (and of
   * the listener when it changed) and for requests served after it, so the load overlaps every version however slow
   * the machine is; a request fails on a status other than 200, an exception, or no answer in 30 s.
   */
  @org.junit.jupiter.api.Test
  void hundredPushesUnderLoadFailNoRequest() throws Exception {
    HttpServer a = TestBackends.http("A");
    ControlPlane cp = ControlPlane.tcp();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Thread> load = new java.util.ArrayList<>();
    try {
      cp.set(snapshot("0", a.getAddress().getPort(), http, "/"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, cp.adsBootstrap(admin, "DELTA_GRPC"));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2")) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (int t = 0; t < 2; t++) {
          Thread th = new Thread(() -> {
            while (running.get()) {
              try {
                var r = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + http + "/p")).timeout(Duration.ofSeconds(30)).build(),
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
          }, "load-" + t);
          th.start();
          load.add(th);
        }
        awaitServed(ok, 1, failures);
        String chain = "ingress";
        for (int v = 1; v <= 100; v++) {
          String version = Integer.toString(v);
          String statPrefix = v % 3 == 0 ? "ingress_" + v : "ingress"; // every third push changes the chain
          cp.set(snapshotWithPrefix(version, a.getAddress().getPort(), http, statPrefix));
          cp.awaitAck(Resources.V3.ROUTE_TYPE_URL, version, Duration.ofSeconds(60));
          if (!statPrefix.equals(chain)) {
            cp.awaitAck(Resources.V3.LISTENER_TYPE_URL, version, Duration.ofSeconds(60));
            chain = statPrefix;
          }
          awaitServed(ok, ok.get() + 2, failures); // requests on this version
        }
        running.set(false);
        for (Thread th : load) {
          th.join(60_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed, e.g. " + failures.stream().limit(3).toList());
        assertTrue(cp.nacks().isEmpty(), cp.nacks().toString());
        assertTrue(ok.get() >= 200, "served " + ok.get());
      }
    } finally {
      running.set(false);
      for (Thread th : load) {
        th.join(60_000);
      }
      cp.close();
      a.stop(0);
    }
  }

  /** Until {@code ok} reaches {@code atLeast} (60 s at most: the load threads stalled). */
  private static void awaitServed(java.util.concurrent.atomic.AtomicLong ok, long atLeast, List<String> failures)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ok.get() < atLeast) {
      assertTrue(System.nanoTime() < deadline, "served " + ok.get() + ", never " + atLeast + "; failures: "
          + failures.stream().limit(3).toList());
      Thread.sleep(5);
    }
  }

  private static Snapshot snapshotWithPrefix(String version, int backendPort, int listenerPort, String statPrefix) {
    Snapshot base = snapshot(version, backendPort, listenerPort, "/v" + version + "/x");
    // every version routes "/" too, so the load always has a route; the versioned prefix changes the RDS resource
    RouteConfiguration routes = base.routes().resources().values().iterator().next().toBuilder()
        .setVirtualHosts(0, base.routes().resources().values().iterator().next().getVirtualHosts(0).toBuilder()
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("svc")))).build();
    Listener l = XdsResources.listener("ingress", listenerPort,
        XdsResources.rdsConnectionManager(statPrefix, "routes"));
    return Snapshot.create(base.clusters().resources().values(), base.endpoints().resources().values(), List.of(l),
        List.of(routes), List.of(), version);
  }

  /** The control plane goes away: traffic keeps flowing on the last config; when it returns, javoy resyncs. */
  @org.junit.jupiter.api.Test
  void lastGoodConfigServesWhileTheControlPlaneIsDownAndResyncsAfter() throws Exception {
    HttpServer a = TestBackends.http("A");
    HttpServer b = TestBackends.http("B");
    ControlPlane cp = ControlPlane.tcp(JavoyProcess.freePort());
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    try {
      cp.set(snapshot("1", a.getAddress().getPort(), http, "/"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, cp.adsBootstrap(admin, "GRPC"));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
        assertTrue(Curl.run("http://127.0.0.1:" + http + "/1").body().startsWith("A GET /1"));
        cp.stop();
        awaitStat(javoy, "control_plane.connected_state: 0");
        for (int i = 0; i < 20; i++) {
          assertTrue(Curl.run("http://127.0.0.1:" + http + "/down").body().startsWith("A GET /down"));
        }
        // the control plane comes back (same address) with new endpoints
        cp.set(snapshot("2", b.getAddress().getPort(), http, "/"));
        cp.start();
        awaitBody("http://127.0.0.1:" + http + "/back", "B GET /back", 45);
        awaitStat(javoy, "control_plane.connected_state: 1");
      }
    } finally {
      cp.close();
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

  private static Snapshot snapshot(String version, int backendPort, int listenerPort, String prefix,
      Listener... extra) {
    List<Listener> listeners = new java.util.ArrayList<>(List.of(XdsResources.listener("ingress", listenerPort,
        XdsResources.rdsConnectionManager("ingress", "routes"))));
    listeners.addAll(List.of(extra));
    return Snapshot.create(List.of(XdsResources.edsCluster("svc")), List.of(XdsResources.loadAssignment("svc",
        backendPort)), listeners, List.of(XdsResources.routes("routes", prefix, "svc")), List.of(), version);
  }

  private static Listener badListener() {
    // scoped routes are not implemented: the listener is rejected with its path, the rest applies
    return XdsResources.listener("bad_listener", 1, HttpConnectionManager.newBuilder().setStatPrefix("bad")
        .setScopedRoutes(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes
            .newBuilder().setName("scopes")));
  }
}
