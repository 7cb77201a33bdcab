package dev.javoy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.server.ServerOptions;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the bootstrap from files and --config-yaml: syntaxes, spellings, merging, node overrides. */
class BootstrapLoaderTest {
  static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
      .add(HttpConnectionManager.getDescriptor())
      .add(Router.getDescriptor())
      .add(com.github.udpa.udpa.type.v1.TypedStruct.getDescriptor())
      .add(com.github.xds.type.v3.TypedStruct.getDescriptor())
      .build();

  static final String YAML = """
      node: {id: node-a, cluster: cluster-a}
      static_resources:
        listeners:
        - name: ingress
          address: {socket_address: {address: 0.0.0.0, port_value: 10000}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress_http
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: backend
          type: STATIC
          connect_timeout: 0.25s
          lb_policy: ROUND_ROBIN
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint:
                  address: {socket_address: {address: 127.0.0.1, port_value: 8080}}
      """;

  static final String CAMEL_JSON = """
      {
        "node": {"id": "node-a", "cluster": "cluster-a"},
        "staticResources": {
          "listeners": [{
            "name": "ingress",
            "address": {"socketAddress": {"address": "0.0.0.0", "portValue": 10000}},
            "filterChains": [{"filters": [{
              "name": "envoy.filters.network.http_connection_manager",
              "typedConfig": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "statPrefix": "ingress_http",
                "httpFilters": [{"name": "envoy.filters.http.router", "typedConfig": {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]
              }
            }]}]
          }],
          "clusters": [{
            "name": "backend", "type": "STATIC", "connectTimeout": "0.25s", "lbPolicy": "ROUND_ROBIN",
            "loadAssignment": {"clusterName": "backend", "endpoints": [{"lbEndpoints": [{"endpoint": {
              "address": {"socketAddress": {"address": "127.0.0.1", "portValue": 8080}}}}]}]}
          }]
        }
      }
      """;

  static final BootstrapLoader LOADER = new BootstrapLoader(TYPES);

  static Bootstrap yaml(String text) throws ConfigException {
    return LOADER.parse(text, ConfigDocuments.Syntax.YAML, UnknownFieldPolicy.REJECT, "test.yaml");
  }

  static ServerOptions options(String path, String yaml) {
    ServerOptions d = ServerOptions.defaults();
    return new ServerOptions(path, yaml, d.mode(), d.concurrency(), d.drainTime(), d.drainStrategy(),
        d.parentShutdownTime(), d.localAddressIpVersion(), null, null, null, false, false,
        d.fileFlushInterval(), d.fileFlushMinSizeKb(), d.transport());
  }

  @Test
  void loadsYamlFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("envoy.yaml"), YAML);
    Bootstrap b = LOADER.loadFile(file, UnknownFieldPolicy.REJECT);
    assertEquals("node-a", b.getNode().getId());
    Cluster c = b.getStaticResources().getClusters(0);
    assertEquals(250, c.getConnectTimeout().getNanos() / 1_000_000);
    assertEquals(Cluster.LbPolicy.ROUND_ROBIN, c.getLbPolicy());
    assertEquals(8080, c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress().getPortValue());
    HttpConnectionManager hcm = b.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0)
        .getTypedConfig().unpack(HttpConnectionManager.class);
    assertEquals("ingress_http", hcm.getStatPrefix());
  }

  @Test
  void jsonAndCamelCaseSpellingsLoadTheSameBootstrap(@TempDir Path dir) throws Exception {
    Path json = Files.writeString(dir.resolve("envoy.json"), CAMEL_JSON);
    assertEquals(yaml(YAML), LOADER.loadFile(json, UnknownFieldPolicy.REJECT));
  }

  @Test
  void fileWithoutKnownExtensionIsTriedAsJsonThenYaml(@TempDir Path dir) throws Exception {
    Path jsonNoExt = Files.writeString(dir.resolve("bootstrap.conf"), CAMEL_JSON);
    Path yamlNoExt = Files.writeString(dir.resolve("bootstrap.txt"), YAML);
    assertEquals(yaml(YAML), LOADER.loadFile(jsonNoExt, UnknownFieldPolicy.REJECT));
    assertEquals(yaml(YAML), LOADER.loadFile(yamlNoExt, UnknownFieldPolicy.REJECT));
  }

  @Test
  void configYamlMergesOverTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("envoy.yaml"), YAML);
    String override = "node: {cluster: override}\nstatic_resources: {clusters: [{name: extra}]}";
    Bootstrap b = LOADER.load(options(file.toString(), override));
    assertEquals("node-a", b.getNode().getId(), "singular fields not in the override are kept");
    assertEquals("override", b.getNode().getCluster(), "singular fields in the override replace");
    assertEquals(2, b.getStaticResources().getClustersCount(), "lists are appended to");
    assertEquals("extra", b.getStaticResources().getClusters(1).getName());
  }

  @Test
  void configYamlAloneAndJsonInConfigYaml() throws Exception {
    assertEquals("n1", LOADER.load(options(null, "node: {id: 'n1'}")).getNode().getId());
    assertEquals("n2", LOADER.load(options(null, "{\"node\": {\"id\": \"n2\"}}")).getNode().getId());
  }

  @Test
  void neitherFileNorYamlIsAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> LOADER.load(options(null, null)));
    assertTrue(e.getMessage().contains("--config-path or --config-yaml"), e.getMessage());
  }

  @Test
  void missingFileNamesIt() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> LOADER.load(options("/nonexistent/envoy.yaml", null)));
    assertEquals("cannot read config file '/nonexistent/envoy.yaml': no such file", e.getMessage());
  }

  @Test
  void serviceFlagsOverrideTheNode() throws Exception {
    ServerOptions d = options(null, "node: {id: a, cluster: b, locality: {region: r}}");
    ServerOptions o = new ServerOptions(null, d.configYaml(), d.mode(), 1, d.drainTime(), d.drainStrategy(),
        d.parentShutdownTime(), "v4", "svc-cluster", "svc-node", "svc-zone", false, false,
        d.fileFlushInterval(), 64, d.transport());
    Bootstrap b = LOADER.load(o);
    assertEquals("svc-node", b.getNode().getId());
    assertEquals("svc-cluster", b.getNode().getCluster());
    assertEquals("svc-zone", b.getNode().getLocality().getZone());
    assertEquals("r", b.getNode().getLocality().getRegion());
  }

  @Test
  void yamlAnchorsAliasesAndMergeKeys() throws Exception {
    Bootstrap b = yaml("""
        static_resources:
          clusters:
          - &base {name: one, type: STATIC, connect_timeout: 1s}
          - <<: *base
            name: two
        """);
    assertEquals("two", b.getStaticResources().getClusters(1).getName());
    assertEquals(1, b.getStaticResources().getClusters(1).getConnectTimeout().getSeconds());
  }

  @Test
  void invalidYamlNamesTheLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> yaml("node:\n  id: [unclosed\n"));
    assertTrue(e.getMessage().startsWith("test.yaml: invalid YAML at line"), e.getMessage());
  }

  @Test
  void emptyDocumentIsAnEmptyBootstrap() throws Exception {
    assertEquals(Bootstrap.getDefaultInstance(), yaml(""));
    assertFalse(yaml("# only a comment\n").hasNode());
  }
}
