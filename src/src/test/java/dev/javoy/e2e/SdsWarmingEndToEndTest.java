package dev.javoy.e2e;

import static dev.javoy.e2e.RdsWarmingEndToEndTest.await;
import static dev.javoy.e2e.RdsWarmingEndToEndTest.listening;
import static dev.javoy.e2e.XdsResources.adsJson;
import static dev.javoy.e2e.XdsResources.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.tls.TestPki;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warming on secrets over ADS (Envoy's init manager with SDS init targets): a CDS cluster whose upstream TLS
 * secrets have not arrived stays in {@code dynamic_warming_clusters} (and holds LDS back); an LDS listener whose
 * certificate has not arrived stays in {@code dynamic_warming_listeners} and is not bound; the server stays
 * INITIALIZING until both are in. An LDS update that names a missing secret warms while the active version keeps
 * serving, and replaces it once the secret arrives; removing a listener drops its warming version too.
 */
class SdsWarmingEndToEndTest {
  @TempDir
  Path dir;

  /** The mTLS listener: certificate from the named secret, clients validated against secret "ca". */
  private static Listener tlsListener(int port, String certSecret, String body) throws Exception {
    return parse("""
        {"name": "mtls", "address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}},
         "filter_chains": [{
           "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": {
             "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
             "require_client_certificate": true,
             "common_tls_context": {
               "tls_certificate_sds_secret_configs": [{"name": "%s", "sds_config": %s}],
               "validation_context_sds_secret_config": {"name": "ca", "sds_config": %s}}}},
           "filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
             "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
             "stat_prefix": "mtls",
             "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [
               {"match": {"prefix": "/"}, "direct_response": {"status": 200, "body": {"inline_string": "%s"}}}]}]},
             "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
               "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}
        """.formatted(port, certSecret, adsJson(), adsJson(), body), Listener.newBuilder()).build();
  }

  /** A plaintext listener proxying to the cluster "mtls-upstream". */
  private static Listener plainListener(int port) throws Exception {
    return parse("""
        {"name": "plain", "address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}},
         "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
             "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
             "stat_prefix": "plain",
             "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [
               {"match": {"prefix": "/"}, "route": {"cluster": "mtls-upstream"}}]}]},
             "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
               "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}
        """.formatted(port), Listener.newBuilder()).build();
  }

  /** A cluster originating mTLS to the mTLS listener with secrets "client" and "ca". */
  private static Cluster tlsCluster(int port) throws Exception {
    return parse("""
        {"name": "mtls-upstream", "type": "STATIC", "connect_timeout": "2s",
         "load_assignment": {"cluster_name": "mtls-upstream", "endpoints": [{"lb_endpoints": [{"endpoint": {
           "address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}}}}]}]},
         "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": {
           "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
           "common_tls_context": {
             "tls_certificate_sds_secret_configs": [{"name": "client", "sds_config": %s}],
             "validation_context_sds_secret_config": {"name": "ca", "sds_config": %s}}}}}
        """.formatted(port, adsJson(), adsJson()), Cluster.newBuilder()).build();
  }

  private static Secret cert(TestPki pki, String secret, String name) throws Exception {
    return SdsEndToEndTest.certificate(secret, Files.readString(pki.cert(name)), Files.readString(pki.key(name)));
  }

  private static void push(ControlPlane cp, String version, List<Cluster> clusters, List<Listener> listeners,
      List<Secret> secrets) {
    cp.set(Snapshot.create(clusters, List.of(), listeners, List.of(), secrets, version));
  }

  @Test
  void clustersAndListenersWarmOnTheirSecretsAndAnUpdateWarmsBesideTheActiveVersion() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "DNS:server.example.com");
    pki.issue("server2", "server2", "DNS:server.example.com");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client");
    Secret ca = SdsEndToEndTest.rootCa(Files.readString(pki.caCert())).toBuilder().setName("ca").build();
    ControlPlane cp = ControlPlane.tcp();
    int admin = JavoyProcess.freePort();
    int mtls = JavoyProcess.freePort();
    int plain = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, cp.adsBootstrap(admin, "GRPC"));
    List<Cluster> clusters = List.of(tlsCluster(mtls));
    List<Listener> listeners = List.of(plainListener(plain), tlsListener(mtls, "server", "v1"));
    JavoyProcess javoy = JavoyProcess.launch(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "info");
    String adminUrl = "http://127.0.0.1:" + admin;
    try {
      // 1: no secrets: the cluster warms and holds LDS back; not ready
      push(cp, "1", clusters, listeners, List.of());
      await("the warming cluster", () -> {
        try {
          return Curl.run(adminUrl + "/config_dump").body().contains("dynamic_warming_clusters");
        } catch (IllegalStateException e) {
          return false;
        }
      });
      assertEquals(503, Curl.run(adminUrl + "/ready").status());

      // 2: the cluster's secrets: it goes active; LDS applies, the mTLS listener warms on its certificate
      push(cp, "2", clusters, listeners, List.of(ca, cert(pki, "client", "client")));
      await("the warming listener", () -> {
        String dump = Curl.run(adminUrl + "/config_dump").body();
        return dump.contains("dynamic_warming_listeners") || dump.contains("\"warming_state\"");
      });
      String dump = Curl.run(adminUrl + "/config_dump").body();
      assertTrue(!dump.contains("dynamic_warming_clusters"), dump);
      assertTrue(dump.contains("\"warming_state\""), dump);
      assertEquals(503, Curl.run(adminUrl + "/ready").status());
      assertTrue(!listening(mtls), "the warming listener must not be bound");
      await("the plain listener", () -> listening(plain));

      // 3: the certificate: the listener binds, the server is ready, a request crosses the mTLS hop
      push(cp, "3", clusters, listeners, List.of(ca, cert(pki, "client", "client"), cert(pki, "server", "server")));
      await("readiness", () -> Curl.run(adminUrl + "/ready").status() == 200);
      assertEquals("v1", Curl.run("http://127.0.0.1:" + plain + "/").body());

      // 4: an update naming a missing secret warms beside the active version, which keeps serving
      List<Listener> updated = List.of(plainListener(plain), tlsListener(mtls, "server2", "v2"));
      List<Secret> secrets = new ArrayList<>(List.of(ca, cert(pki, "client", "client"), cert(pki, "server", "server")));
      push(cp, "4", clusters, updated, secrets);
      await("the warming update", () -> Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      for (int i = 0; i < 5; i++) {
        assertEquals("v1", Curl.run("http://127.0.0.1:" + plain + "/").body());
      }
      secrets.add(cert(pki, "server2", "server2"));
      push(cp, "5", clusters, updated, secrets);
      await("the update to go active", () -> Curl.run("http://127.0.0.1:" + plain + "/").body().equals("v2"));
      assertTrue(!Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));

      // 5: an update that never warms, then the listener's removal: both versions go, nothing is left warming
      push(cp, "6", clusters, List.of(plainListener(plain), tlsListener(mtls, "never", "v3")), secrets);
      await("the never-warming update", () -> Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      assertEquals("v2", Curl.run("http://127.0.0.1:" + plain + "/").body());
      push(cp, "7", clusters, List.of(plainListener(plain)), secrets);
      await("the removal", () -> !listening(mtls));
      assertTrue(!Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      assertTrue(Curl.run(adminUrl + "/stats?filter=total_listeners_warming").body()
          .contains("listener_manager.total_listeners_warming: 0"));
    } finally {
      javoy.close();
      cp.close();
    }
  }
}
