package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
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
  private static final String GROUP = "javoy";

  @TempDir
  Path dir;

  private static <T extends Message.Builder> T parse(String json, T builder) throws Exception {
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry()).merge(json, builder);
    return builder;
  }

  private static String ads() {
    return "{\"ads\": {}, \"initial_fetch_timeout\": \"0s\", \"resource_api_version\": \"V3\"}";
  }

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
        """.formatted(port, certSecret, ads(), ads(), body), Listener.newBuilder()).build();
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
        """.formatted(port, ads(), ads()), Cluster.newBuilder()).build();
  }

  private static Secret cert(TestPki pki, String secret, String name) throws Exception {
    return SdsEndToEndTest.certificate(secret, Files.readString(pki.cert(name)), Files.readString(pki.key(name)));
  }

  private static String bootstrap(int admin, int cpPort) {
    return """
        node: {id: test-node, cluster: test}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        dynamic_resources:
          ads_config:
            api_type: GRPC
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
        """.formatted(admin, cpPort);
  }

  private static void push(SimpleCache<String> cache, String version, List<Cluster> clusters, List<Listener> listeners,
      List<Secret> secrets) {
    cache.setSnapshot(GROUP, Snapshot.create(clusters, List.of(), listeners, List.of(), secrets, version));
  }

  private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.call()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(100);
    }
  }

  private static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void clustersAndListenersWarmOnTheirSecretsAndAnUpdateWarmsBesideTheActiveVersion() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "DNS:server.example.com");
    pki.issue("server2", "server2", "DNS:server.example.com");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client");
    Secret ca = SdsEndToEndTest.rootCa(Files.readString(pki.caCert())).toBuilder().setName("ca").build();
    SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
    Server cp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    int admin = JavoyProcess.freePort();
    int mtls = JavoyProcess.freePort();
    int plain = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, bootstrap(admin, ((InetSocketAddress) cp.getListenSockets().get(0)).getPort()));
    List<Cluster> clusters = List.of(tlsCluster(mtls));
    List<Listener> listeners = List.of(plainListener(plain), tlsListener(mtls, "server", "v1"));
    ProcessBuilder pb = new ProcessBuilder(JavoyProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main", "-c",
        config.toString(), "--concurrency", "1", "-l", "info").redirectErrorStream(true)
        .redirectOutput(dir.resolve("javoy.log").toFile());
    Process javoy = pb.start();
    String adminUrl = "http://127.0.0.1:" + admin;
    try {
      // 1: no secrets: the cluster warms and holds LDS back; not ready
      push(cache, "1", clusters, listeners, List.of());
      await("the warming cluster", () -> {
        try {
          return Curl.run(adminUrl + "/config_dump").body().contains("dynamic_warming_clusters");
        } catch (IllegalStateException e) {
          return false;
        }
      });
      assertEquals(503, Curl.run(adminUrl + "/ready").status());

      // 2: the cluster's secrets: it goes active; LDS applies, the mTLS listener warms on its certificate
      push(cache, "2", clusters, listeners, List.of(ca, cert(pki, "client", "client")));
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
      push(cache, "3", clusters, listeners, List.of(ca, cert(pki, "client", "client"), cert(pki, "server", "server")));
      await("readiness", () -> Curl.run(adminUrl + "/ready").status() == 200);
      assertEquals("v1", Curl.run("http://127.0.0.1:" + plain + "/").body());

      // 4: an update naming a missing secret warms beside the active version, which keeps serving
      List<Listener> updated = List.of(plainListener(plain), tlsListener(mtls, "server2", "v2"));
      List<Secret> secrets = new ArrayList<>(List.of(ca, cert(pki, "client", "client"), cert(pki, "server", "server")));
      push(cache, "4", clusters, updated, secrets);
      await("the warming update", () -> Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      for (int i = 0; i < 5; i++) {
        assertEquals("v1", Curl.run("http://127.0.0.1:" + plain + "/").body());
      }
      secrets.add(cert(pki, "server2", "server2"));
      push(cache, "5", clusters, updated, secrets);
      await("the update to go active", () -> Curl.run("http://127.0.0.1:" + plain + "/").body().equals("v2"));
      assertTrue(!Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));

      // 5: an update that never warms, then the listener's removal: both versions go, nothing is left warming
      push(cache, "6", clusters, List.of(plainListener(plain), tlsListener(mtls, "never", "v3")), secrets);
      await("the never-warming update", () -> Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      assertEquals("v2", Curl.run("http://127.0.0.1:" + plain + "/").body());
      push(cache, "7", clusters, List.of(plainListener(plain)), secrets);
      await("the removal", () -> !listening(mtls));
      assertTrue(!Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\""));
      assertTrue(Curl.run(adminUrl + "/stats?filter=total_listeners_warming").body()
          .contains("listener_manager.total_listeners_warming: 0"));
    } finally {
      javoy.destroy();
      if (!javoy.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        javoy.destroyForcibly();
      }
      cp.shutdownNow();
    }
  }
}
