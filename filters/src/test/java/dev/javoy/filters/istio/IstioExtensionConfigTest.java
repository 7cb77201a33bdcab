package dev.javoy.filters.istio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionFactory;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.extension.UpstreamNetworkFilterFactory;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * istio/proxy's config messages and the extensions built from them: every Istio extension config in the Istio
 * config dumps parses (from JSON, through the type registry, inside Any or TypedStruct) and builds, for inbound and
 * outbound listeners; fields javoy does not implement are rejected with their path and message type.
 */
class IstioExtensionConfigTest {
  static final Set<String> ISTIO_TYPES = Set.of("stats.PluginConfig", "envoy.tcp.metadataexchange.config.MetadataExchange",
      "io.istio.http.peer_metadata.Config", "istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig",
      "io.istio.network.authn.Config", "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig",
      "envoy.extensions.filters.http.wasm.v3.Wasm", "envoy.extensions.filters.network.wasm.v3.Wasm",
      "istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig");

  final StatsStore stats = new StatsStore();
  final ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
  final ProtoJsonParser parser = new ProtoJsonParser(CoreTypes.defaultRegistry().typeRegistry());

  FactoryContext context(TrafficDirection direction) {
    return new FactoryContext() {
      @Override public StatsStore stats() { return stats; }
      @Override public ExtensionResolver extensions() { return resolver; }
      @Override public ClusterManager clusterManager() { return null; }
      @Override public ServerOptions options() { return ServerOptions.defaults(); }
      @Override public String listenerStatPrefix() { return "listener.test."; }
      @Override public Node localNode() { return Node.newBuilder().setId("sidecar~1.2.3.4~a.b~b.svc.cluster.local").build(); }
      @Override public TrafficDirection trafficDirection() { return direction; }
    };
  }

  /** Parses {@code {name, typed_config}} and builds it in {@code category}; returns what was built. */
  Object build(Class<? extends ExtensionFactory> category, JsonNode filter, TrafficDirection direction)
      throws ConfigException {
    Filter f = parser.parse(filter, Filter.getDefaultInstance(), UnknownFieldPolicy.REJECT, "filter");
    var r = resolver.resolve(category, "filter", f.getName(), f.getTypedConfig());
    if (r.factory() instanceof HttpFilterFactory h) {
      return h.create(r.config(), "http.test.", context(direction));
    } else if (r.factory() instanceof NetworkFilterFactory n) {
      return n.create(r.config(), context(direction));
    }
    return ((UpstreamNetworkFilterFactory) r.factory()).createUpstream(r.config(), context(direction));
  }

  Object build(Class<? extends ExtensionFactory> category, String json) throws Exception {
    return build(category, new ObjectMapper().readTree(json), TrafficDirection.OUTBOUND);
  }

  static Path dumps() {
    Path root = Path.of(System.getProperty("javoy.root", Path.of("").toAbsolutePath().getParent().toString()));
    Path dir = root.resolve("../shared/conformance/istio-config-dumps").normalize();
    Assumptions.assumeTrue(Files.isDirectory(dir), "Istio config dumps absent (expected at " + dir + "); skipping");
    return dir;
  }

  record Found(String file, String context, JsonNode filter) {}

  static void collect(String file, JsonNode node, String context, List<Found> out) {
    if (node.isObject()) {
      if (node.has("name") && node.has("typed_config")) {
        JsonNode tc = node.get("typed_config");
        String type = tc.path("@type").asText();
        if (type.endsWith("TypedStruct")) {
          type = tc.path("type_url").asText();
        }
        if (ISTIO_TYPES.contains(type.substring(type.lastIndexOf('/') + 1))) {
          out.add(new Found(file, context, node));
        }
      }
      var it = node.fields();
      while (it.hasNext()) {
        var e = it.next();
        String ctx = switch (e.getKey()) {
          case "http_filters" -> "http";
          case "filter_chains", "default_filter_chain" -> "network";
          case "cluster" -> "upstream";
          default -> context;
        };
        collect(file, e.getValue(), ctx, out);
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        collect(file, n, context, out);
      }
    }
  }

  @Test
  void everyIstioExtensionConfigInTheDumpsParsesAndBuilds() throws Exception {
    Path dir = dumps();
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        collect(p.getFileName().toString(), ConfigDocuments.read(p), "", found);
      }
    }
    int built = 0;
    for (Found f : found) {
      Class<? extends ExtensionFactory> category = switch (f.context()) {
        case "http" -> HttpFilterFactory.class;
        case "upstream" -> UpstreamNetworkFilterFactory.class;
        default -> NetworkFilterFactory.class;
      };
      for (TrafficDirection d : List.of(TrafficDirection.INBOUND, TrafficDirection.OUTBOUND)) {
        try {
          assertNotNull(build(category, f.filter(), d));
        } catch (ConfigException e) {
          throw new AssertionError(f.file() + " " + f.context() + " filter " + f.filter() + ": " + e.getMessage(), e);
        }
      }
      built++;
    }
    assertTrue(built > 900, "found only " + built + " Istio extension configs");
  }

  static final String STATS = "type.googleapis.com/stats.PluginConfig";

  @Test
  void unknownFieldsInIstioConfigsAreRejectedWithTheirPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"istio.stats\",\"typed_config\":{\"@type\":\"" + STATS + "\",\"bogus_field\":1}}"));
    assertTrue(e.getMessage().contains("typed_config.bogus_field"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"istio.metadata_exchange\",\"typed_config\":{\"@type\":\"type.googleapis.com/udpa.type.v1.TypedStruct\","
            + "\"type_url\":\"type.googleapis.com/io.istio.http.peer_metadata.Config\",\"value\":{\"nope\":[]}}}"));
    assertTrue(e.getMessage().contains("io.istio.http.peer_metadata.Config"), e.getMessage());
  }

  @Test
  void unimplementedFieldsAreRejectedWithPathAndMessageType() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"istio.stats\",\"typed_config\":{\"@type\":\"" + STATS + "\","
            + "\"definitions\":[{\"name\":\"custom\",\"value\":\"1\"}]}}"));
    assertEquals("definitions: field not supported by javoy yet (in stats.PluginConfig)", e.getMessage());

    e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"istio.stats\",\"typed_config\":{\"@type\":\"" + STATS + "\","
            + "\"metrics\":[{\"dimensions\":{\"x\":\"request.size > 1 ? 'a' : 'b'\"}}]}}"));
    assertTrue(e.getMessage().startsWith("metrics[0].dimensions.x: metric dimension expression"), e.getMessage());

    e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"istio.metadata_exchange\",\"typed_config\":{\"@type\":\"type.googleapis.com/udpa.type.v1.TypedStruct\","
            + "\"type_url\":\"type.googleapis.com/io.istio.http.peer_metadata.Config\","
            + "\"value\":{\"downstream_discovery\":[{\"istio_headers\":{}},{\"baggage\":{}}]}}}"));
    assertEquals("downstream_discovery[1].baggage: field not supported by javoy yet (in "
        + "io.istio.http.peer_metadata.Config.DiscoveryMethod)", e.getMessage());

    e = assertThrows(ConfigException.class, () -> build(NetworkFilterFactory.class,
        "{\"name\":\"istio.metadata_exchange\",\"typed_config\":{\"@type\":"
            + "\"type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange\","
            + "\"protocol\":\"istio-peer-exchange\",\"additional_labels\":[\"role\"]}}"));
    assertEquals("additional_labels: field not supported by javoy yet (in "
        + "envoy.tcp.metadataexchange.config.MetadataExchange)", e.getMessage());

    e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"envoy.filters.http.grpc_stats\",\"typed_config\":{\"@type\":"
            + "\"type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig\","
            + "\"stats_for_all_methods\":true,\"individual_method_stats_allowlist\":{\"services\":[{\"name\":\"a.B\"}]}}}"));
    assertTrue(e.getMessage().contains("stats_for_all_methods"), e.getMessage());
  }

  @Test
  void wasmConfigsOtherThanIstiosNullVmPluginsAreRejectedNamingTheVmAndPlugin() {
    ConfigException e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"my.wasm\",\"typed_config\":{\"@type\":\"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm\","
            + "\"config\":{\"name\":\"my-plugin\",\"vm_config\":{\"vm_id\":\"vm1\",\"runtime\":\"envoy.wasm.runtime.v8\","
            + "\"code\":{\"local\":{\"filename\":\"/etc/plugin.wasm\"}}}}}}"));
    assertTrue(e.getMessage().startsWith("config.vm_config.runtime: Wasm runtime 'envoy.wasm.runtime.v8' (vm_id 'vm1', "
        + "plugin 'my-plugin') is not supported"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"attributegen\",\"typed_config\":{\"@type\":\"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm\","
            + "\"config\":{\"vm_config\":{\"runtime\":\"envoy.wasm.runtime.null\","
            + "\"code\":{\"local\":{\"inline_string\":\"envoy.wasm.attributegen\"}}}}}}"));
    assertTrue(e.getMessage().startsWith("config.vm_config.code: null-VM Wasm plugin 'envoy.wasm.attributegen'"),
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        "{\"name\":\"istio.stats\",\"typed_config\":{\"@type\":\"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm\","
            + "\"config\":{\"configuration\":{\"@type\":\"type.googleapis.com/google.protobuf.StringValue\","
            + "\"value\":\"{\\\"stat_prefix\\\":\\\"other\\\"}\"},\"vm_config\":{\"runtime\":\"envoy.wasm.runtime.null\","
            + "\"code\":{\"local\":{\"inline_string\":\"envoy.wasm.stats\"}}}}}}"));
    assertTrue(e.getMessage().contains("stat_prefix"), e.getMessage());
  }

  @Test
  void legacyWasmStatsJsonMapsToPluginConfig() throws Exception {
    Object built = build(NetworkFilterFactory.class,
        "{\"name\":\"istio.stats\",\"typed_config\":{\"@type\":\"type.googleapis.com/udpa.type.v1.TypedStruct\","
            + "\"type_url\":\"type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm\",\"value\":{\"config\":{"
            + "\"configuration\":{\"@type\":\"type.googleapis.com/google.protobuf.StringValue\",\"value\":"
            + "\"{\\\"debug\\\":\\\"false\\\",\\\"stat_prefix\\\":\\\"istio\\\",\\\"tcp_reporting_duration\\\":\\\"2s\\\","
            + "\\\"metrics\\\":[{\\\"dimensions\\\":{\\\"source_cluster\\\":\\\"node.metadata['CLUSTER_ID']\\\"}}]}\"},"
            + "\"root_id\":\"stats_inbound\",\"vm_config\":{\"vm_id\":\"tcp_stats_inbound\","
            + "\"runtime\":\"envoy.wasm.runtime.null\",\"code\":{\"local\":{\"inline_string\":\"envoy.wasm.stats\"}}}}}}}");
    assertNotNull(built);
    assertTrue(stats.customNamespaces().contains("istio"));
  }

  @Test
  void alpnOverridesByUpstreamProtocol() throws Exception {
    var table = dev.javoy.filters.istio.alpn.AlpnFactoryAccess.parse(new ObjectMapper().readTree(
        "{\"@type\":\"type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig\",\"alpn_override\":["
            + "{\"alpn_override\":[\"istio-http/1.0\",\"istio\",\"http/1.0\"]},"
            + "{\"alpn_override\":[\"istio-http/1.1\",\"istio\",\"http/1.1\"],\"upstream_protocol\":\"HTTP11\"},"
            + "{\"alpn_override\":[\"istio-h2\",\"istio\",\"h2\"],\"upstream_protocol\":\"HTTP2\"}]}"), parser);
    assertEquals(List.of("istio-http/1.0", "istio", "http/1.0"),
        table.forProtocol(dev.javoy.proxy.stream.UpstreamAlpnOverride.UpstreamProtocol.HTTP10));
    assertEquals(List.of("istio-http/1.1", "istio", "http/1.1"),
        table.forProtocol(dev.javoy.proxy.stream.UpstreamAlpnOverride.UpstreamProtocol.HTTP11));
    assertEquals(List.of("istio-h2", "istio", "h2"),
        table.forProtocol(dev.javoy.proxy.stream.UpstreamAlpnOverride.UpstreamProtocol.HTTP2));
  }

  static final String AUTHN = "{\"name\":\"istio_authn\",\"typed_config\":{\"@type\":"
      + "\"type.googleapis.com/istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig\",";

  @Test
  void istio19AuthnPassesPlaintextUnderPermissiveAndRejectsItUnderStrict() throws Exception {
    var permissive = (dev.javoy.proxy.http.filter.HttpFilterConfig) build(HttpFilterFactory.class,
        AUTHN + "\"policy\":{\"peers\":[{\"mtls\":{\"mode\":\"PERMISSIVE\"}}]},\"skip_validate_trust_domain\":true}}");
    var request = new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
        io.netty.handler.codec.http.HttpMethod.GET, "/");
    var cb = new dev.javoy.filters.http.fault.FakeFilterCallbacks();
    assertEquals(dev.javoy.proxy.http.filter.FilterStatus.CONTINUE,
        permissive.newFilter(cb).decodeHeaders(request, true));
    assertTrue(cb.localReplies.isEmpty());

    var strict = (dev.javoy.proxy.http.filter.HttpFilterConfig) build(HttpFilterFactory.class,
        AUTHN + "\"policy\":{\"peers\":[{\"mtls\":{}}]}}}");
    var cb2 = new dev.javoy.filters.http.fault.FakeFilterCallbacks();
    assertEquals(dev.javoy.proxy.http.filter.FilterStatus.STOP_ITERATION, strict.newFilter(cb2).decodeHeaders(request, true));
    assertEquals(401, cb2.lastLocalReply().code());

    ConfigException e = assertThrows(ConfigException.class, () -> build(HttpFilterFactory.class,
        AUTHN + "\"policy\":{\"origins\":[{\"jwt\":{\"issuer\":\"https://example.com\"}}]}}}"));
    assertEquals("policy.origins: field not supported by javoy yet (in istio.authentication.v1alpha1.Policy)",
        e.getMessage());
  }

  static ObjectNode obj(String json) throws Exception {
    return (ObjectNode) new ObjectMapper().readTree(json);
  }
}
