package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up of a static config builds only what the config uses: the protobuf descriptors of the extensions it
 * names (not of every extension javoy has), no gRPC/xDS client classes; the admin's {@code /config_dump} still
 * prints everything (the whole type registry is built on its first use). {@code -Djavoy.startup.trace=true}
 * reports the phases.
 */
class StartupEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void staticConfigBuildsOnlyTheDescriptorsItNames() throws Exception {
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    String yaml = """
        admin: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
        static_resources:
          listeners:
          - name: http
            address: { socket_address: { address: 127.0.0.1, port_value: %d } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        direct_response: { status: 200, body: { inline_string: started } }
                  http_filters:
                  - name: envoy.filters.http.cors
                    typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors }
                  - name: envoy.filters.http.router
                    typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
        """.formatted(admin, port);
    Path config = dir.resolve("startup.yaml");
    Files.writeString(config, yaml);
    Path classes = dir.resolve("classes.txt");
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin,
        List.of("-Xlog:class+load:file=" + classes, "-Djavoy.startup.trace=true"), "-c", config.toString())) {
      Curl.Result r = Curl.run("http://127.0.0.1:" + port + "/");
      assertEquals(200, r.status(), r.toString());
      assertEquals("started", r.body());
      String loaded = Files.readString(classes);
      // descriptors of the extensions the config names were built ...
      assertTrue(loaded.contains("http_connection_manager.v3.HttpConnectionManagerProto "), "HCM descriptor");
      assertTrue(loaded.contains("filters.http.cors.v3.CorsProto "), "cors descriptor");
      assertTrue(loaded.contains("filters.http.router.v3.RouterProto "), "router descriptor");
      // ... and not those of extensions it does not use
      assertFalse(loaded.contains("filters.http.fault.v3.FaultProto "), "fault descriptor built");
      assertFalse(loaded.contains("filters.http.local_ratelimit.v3.LocalRateLimitProto "),
          "local_ratelimit descriptor built");
      assertFalse(loaded.contains(" io.grpc."), "gRPC classes loaded for a static config");
      String log = javoy.output();
      assertTrue(log.contains("startup: bootstrap loaded uptime_ms="), log);
      assertTrue(log.contains("startup: server started uptime_ms="), log);

      String dump = javoy.admin("/config_dump");
      assertTrue(dump.contains("envoy.extensions.filters.http.cors.v3.Cors"), dump);
      assertTrue(dump.contains("\"inline_string\": \"started\""), dump);
    }
  }
}
