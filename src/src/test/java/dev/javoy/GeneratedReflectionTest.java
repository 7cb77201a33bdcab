package dev.javoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading and building a bootstrap never initializes a generated message's protobuf reflection (its
 * {@code FieldAccessorTable}: a {@code java.lang.reflect.Method} per accessor per field, interned names; ≈ 2 MiB of
 * live heap and a third of the StringTable for the sidecar-sized config): config is parsed into
 * {@code DynamicMessage}s and checked on descriptors or wire bytes. Each case runs javoy's {@code Main} in a fresh JVM
 * ({@link GeneratedReflectionProbe}), since any earlier test in this JVM may have initialized tables.
 */
class GeneratedReflectionTest {
  private static final Path ROOT = Path.of(System.getProperty("javoy.root", ".."));

  @TempDir
  Path dir;

  @Test
  void sidecarSizedConfigIsLoadedAndBuiltWithoutGeneratedReflection() throws Exception {
    String yaml = Files.readString(ROOT.resolve("perf/bench/conf/javoy-sidecar.yaml"))
        .replace("@JAVOY_HTTP_PORT@", Integer.toString(freePort()))
        .replace("@JAVOY_TCP_PORT@", Integer.toString(freePort()))
        .replace("@JAVOY_ADMIN_PORT@", "0").replaceAll("@[A-Z_]+_PORT@", "1");
    Path config = dir.resolve("sidecar.yaml");
    Files.writeString(config, yaml);
    assertEquals(List.of(), initializedTables("--mode", "validate", "-c", config.toString()));
    assertEquals(List.of(), initializedTables("--mode", "init_only", "--concurrency", "1", "-c", config.toString()));
  }

  @Test
  void configYamlAndNodeOverridesMergeWithoutGeneratedReflection() throws Exception {
    Path config = dir.resolve("small.json");
    Files.writeString(config, "{\"admin\": {\"address\": {\"socket_address\": {\"address\": \"127.0.0.1\","
        + " \"port_value\": 0}}}, \"static_resources\": {\"clusters\": [{\"name\": \"c\", \"type\": \"STATIC\","
        + " \"connect_timeout\": \"1s\", \"typed_extension_protocol_options\": {\"envoy.extensions.upstreams.http.v3"
        + ".HttpProtocolOptions\": {\"@type\": \"type.googleapis.com/udpa.type.v1.TypedStruct\", \"type_url\":"
        + " \"type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions\", \"value\":"
        + " {\"explicit_http_config\": {\"http2_protocol_options\": {}}}}}}]}}");
    assertEquals(List.of(), initializedTables("--mode", "validate", "-c", config.toString(),
        "--config-yaml", "{node: {id: n1}, stats_flush_interval: 5s}", "--service-cluster", "c1"));
  }

  @Test
  void xdsResourcesFromFilesAreAppliedWithoutGeneratedReflection() throws Exception {
    Files.writeString(dir.resolve("cds.yaml"), """
        version_info: "1"
        resources:
        - "@type": type.googleapis.com/envoy.config.cluster.v3.Cluster
          name: backend
          type: STATIC
          connect_timeout: 1s
          circuit_breakers: {thresholds: [{max_connections: 100}]}
          load_assignment:
            cluster_name: backend
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 1}}}}]}]
        """);
    Files.writeString(dir.resolve("lds.yaml"), """
        version_info: "1"
        resources:
        - "@type": type.googleapis.com/envoy.config.listener.v3.Listener
          name: http
          address: {socket_address: {address: 127.0.0.1, port_value: %d}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: http
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes: [{match: {prefix: "/"}, route: {cluster: backend, timeout: 5s}}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        """.formatted(freePort()));
    Path config = dir.resolve("xds.yaml");
    Files.writeString(config, """
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
        node: {id: n1, cluster: c1}
        dynamic_resources:
          cds_config: {path_config_source: {path: %s}, resource_api_version: V3}
          lds_config: {path_config_source: {path: %s}, resource_api_version: V3}
        """.formatted(dir.resolve("cds.yaml"), dir.resolve("lds.yaml")));
    Path adminAddress = dir.resolve("admin-address");
    assertEquals(List.of(), initializedTables(List.of("-Dprobe.awaitReady=" + adminAddress), "--concurrency", "1",
        "-c", config.toString(), "--admin-address-path", adminAddress.toString()));
  }

  private static int freePort() throws java.io.IOException {
    return dev.javoy.proxy.testing.TestPorts.freePort();
  }

  List<String> initializedTables(String... args) throws Exception {
    return initializedTables(List.of(), args);
  }

  List<String> initializedTables(List<String> jvmArgs, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GeneratedReflectionProbe.class.getName()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "probe", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(p.waitFor(150, TimeUnit.SECONDS), "probe did not finish");
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int at = text.indexOf(GeneratedReflectionProbe.MARKER);
      assertTrue(at >= 0 && text.contains("exit 0"), "probe failed:\n" + text);
      List<String> tables = new ArrayList<>();
      for (String line : text.substring(at + GeneratedReflectionProbe.MARKER.length()).split("\n")) {
        if (!line.isBlank()) {
          tables.add(line.trim());
        }
      }
      return tables;
    } finally {
      p.destroyForcibly();
    }
  }

}
