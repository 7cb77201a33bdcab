package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code control_plane.connected_state} of an SDS {@code api_config_source} client (Istio's {@code sds-grpc}), in the
 * secret's {@code sds.<name>.} scope as Envoy's per-subscription gRPC mux has it: 1 while the SDS server is up, 0 once
 * it is gone.
 */
class SdsConnectedStateEndToEndTest {
  @TempDir
  Path dir;

  private static String bootstrap(int admin, int port, ControlPlane sds) {
    String sdsConfig = ControlPlane.sdsConfigYaml("0s");
    return """
        node: {id: sidecar~10.0.0.2~server.default~default.svc.cluster.local, cluster: server.default}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          clusters:
        %s
          listeners:
          - name: tls
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    tls_certificate_sds_secret_configs: [{name: default, sds_config: %s}]
              filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: tls
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes: [{match: {prefix: "/"}, direct_response: {status: 200}}]
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        """.formatted(admin, sds.clusterYaml("sds-grpc"), port, sdsConfig);
  }

  @Test
  void sdsClientReportsItsConnectedState() throws Exception {
    TestPki pki = new TestPki(dir, "mesh-ca");
    pki.issue("server", "server", "DNS:server.example.com");
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    ControlPlane sds = ControlPlane.unixSocket(dir.resolve("sds.sock"));
    boolean sdsClosed = false;
    try (InProcessJavoy javoy = InProcessJavoy.start(bootstrap(admin, port, sds), admin)) {
      sds.pushSecrets(SdsEndToEndTest.certificate("default", Files.readString(pki.cert("server")),
          Files.readString(pki.key("server"))));
      RdsWarmingEndToEndTest.await("connected", () -> javoy.admin("/stats?filter=control_plane.connected_state")
          .contains("sds.default.control_plane.connected_state: 1"));
      RdsWarmingEndToEndTest.await("the listener", () -> RdsWarmingEndToEndTest.listening(port));
      sds.close();
      sdsClosed = true;
      RdsWarmingEndToEndTest.await("disconnected", () -> javoy.admin("/stats?filter=control_plane.connected_state")
          .contains("sds.default.control_plane.connected_state: 0"));
      String all = javoy.admin("/stats?filter=control_plane.connected_state");
      assertTrue(all.contains("sds.default.control_plane.connected_state: 0"), all);
    } finally {
      if (!sdsClosed) {
        sds.close();
      }
    }
  }
}
