package dev.javoy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.cli.JavoyJar.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The javoy executable's command line, run as a separate process the way pilot-agent runs envoy. */
class CliIT {
  static Path jar;

  static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: 0}}
      static_resources:
        listeners:
        - name: ingress
          address: {socket_address: {address: 127.0.0.1, port_value: 0}}
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
                    - match: {prefix: "/"}
                      route: {cluster: backend}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: backend
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint:
                  address: {socket_address: {address: 127.0.0.1, port_value: 8080}}
      """;

  @BeforeAll
  static void findJar() {
    // runs in the integration-test phase, after the jar is packaged: a missing jar is a failure
    jar = JavoyJar.jar().orElseThrow(() -> new AssertionError(
        "javoy jar not found: run through ./mvnw verify, or pass -Djavoy.jar=<path>"));
  }

  @Test
  void versionIsPrintedInEnvoysShape() throws Exception {
    Result r = JavoyJar.run(jar, "--version");
    assertEquals(0, r.exitCode(), r::toString);
    String eol = System.lineSeparator();
    assertTrue(r.stdout().matches(eol + "javoy  version: [0-9a-f]{40}/[^/\\s]+/Clean/RELEASE/BoringSSL" + eol + eol),
        r::toString);
  }

  @Test
  void helpListsEveryFlagAndSaysWhichAreIgnored() throws Exception {
    Result r = JavoyJar.run(jar, "--help");
    assertEquals(0, r.exitCode(), r::toString);
    for (String flag : List.of("--config-path", "--config-yaml", "--mode", "--concurrency", "--log-level",
        "--component-log-level", "--log-format", "--log-format-escaped", "--log-path", "--drain-time-s",
        "--drain-strategy", "--parent-shutdown-time-s", "--local-address-ip-version", "--file-flush-interval-msec",
        "--file-flush-min-size-kb", "--disable-hot-restart", "--restart-epoch", "--base-id", "--use-dynamic-base-id",
        "--base-id-path", "--service-cluster", "--service-node", "--service-zone", "--allow-unknown-static-fields",
        "--reject-unknown-dynamic-fields", "--ignore-unknown-dynamic-fields", "--skip-deprecated-logs",
        "--enable-core-dump", "--bootstrap-version", "--disable-extensions", "--version", "--transport")) {
      assertTrue(r.stdout().contains(flag), "--help lacks " + flag);
    }
    assertTrue(r.stdout().contains("javoy has no hot restart"), r::toString);
  }

  @Test
  void badFlagsExitWithOne() throws Exception {
    Result unknown = JavoyJar.run(jar, "--no-such-flag");
    assertEquals(1, unknown.exitCode(), unknown::toString);
    assertTrue(unknown.stderr().contains("--no-such-flag"), unknown::toString);
    Result mode = JavoyJar.run(jar, "--mode", "bogus");
    assertEquals(1, mode.exitCode(), mode::toString);
    assertTrue(mode.stderr().contains("error: unknown mode 'bogus'"), mode::toString);
    Result level = JavoyJar.run(jar, "-l", "loud", "--mode", "validate");
    assertEquals(1, level.exitCode(), level::toString);
  }

  @Test
  void validateAcceptsEveryFlagPilotAgentPasses(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("envoy-rev.json.yaml"), CONFIG);
    Result r = JavoyJar.run(jar, "-c", config.toString(), "--drain-time-s", "45", "--drain-strategy",
        "immediate", "--local-address-ip-version", "v4", "--file-flush-interval-msec", "1000",
        "--disable-hot-restart", "--allow-unknown-static-fields", "-l", "warning", "--component-log-level",
        "misc:error", "--skip-deprecated-logs", "--enable-core-dump", "--config-yaml",
        "{\"node\": {\"id\": \"sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local\"}}", "--concurrency", "2",
        // older pilot-agents also passed these
        "--parent-shutdown-time-s", "60", "--restart-epoch", "0", "--service-cluster", "istio-proxy",
        "--service-node", "sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local", "--max-obj-name-len", "189",
        "--log-format-escaped", "--mode", "validate");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals("configuration '" + config + "' OK", r.stdout().strip(), r::toString);
  }

  @Test
  void validateReportsTheBadFieldsPath(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("broken.yaml"), CONFIG.replace("port_value: 8080", "port: 8080"));
    Result r = JavoyJar.run(jar, "--mode", "validate", "-c", config.toString());
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0]"
        + ".endpoint.address.socket_address.port: unknown field \"port\" in envoy.config.core.v3.SocketAddress"),
        r::toString);
    assertTrue(r.stdout().isEmpty(), r::toString);
  }

  @Test
  void theDemoConfigValidates() throws Exception {
    Result r = JavoyJar.run(jar, "--mode", "validate");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals("configuration 'javoy-demo.yaml' OK", r.stdout().strip(), r::toString);
  }
}
