package dev.javoy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.ProtoJsonParser.Encoding;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Differential test of javoy's JSON → protobuf wire encoder (ProtoJsonWireEncoder, used when loading config)
 * against protobuf's JsonFormat parser into a DynamicMessage (the path it replaced): the same bytes for every
 * YAML/JSON config in the repository and in ../shared/conformance, and for targeted cases of each JSON mapping
 * rule; invalid input rejected by both with the same error.
 */
class ProtoJsonWireEncoderTest {
  private static final ProtoJsonParser PARSER = new ProtoJsonParser(CoreTypes.defaultRegistry().anyTypes());
  private static final Path ROOT = Path.of(System.getProperty("javoy.root",
      Path.of("").toAbsolutePath().getParent().toString()));

  @Test
  void everyConfigFileEncodesAsJsonFormatDoes() throws IOException, ConfigException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("src/src/main/resources", "src/src/test/resources", "proxy/src/test/resources",
        "filters/src/test/resources", "xds-client/src/test/resources", "perf/bench/conf", "examples", "docker")) {
      collect(ROOT.resolve(dir), files);
    }
    Path corpus = ROOT.resolve("../shared/conformance").normalize();
    if (Files.isDirectory(corpus)) {
      collect(corpus, files);
    } else {
      System.err.println("ProtoJsonWireEncoderTest: conformance corpus absent (" + corpus + "); repository files only");
    }
    int encoded = 0;
    int bothRejected = 0;
    List<String> notEncoded = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file).replaceAll("@[A-Z_0-9]+@", "12345");
      for (Descriptor type : List.of(Bootstrap.getDescriptor(), DiscoveryResponse.getDescriptor(),
          ConfigDump.getDescriptor())) {
        JsonNode probe;
        try {
          probe = ConfigDocuments.parse(text, ConfigDocuments.Syntax.of(file), file.toString());
        } catch (ConfigException e) {
          break; // not JSON/YAML config (a template fragment)
        }
        if (!probe.isObject() || (type == DiscoveryResponse.getDescriptor()) != probe.has("resources")
            || (type == ConfigDump.getDescriptor()) != probe.has("configs")) {
          continue;
        }
        String reference;
        ByteString expected = null;
        try {
          expected = bytes(text, file, type, Encoding.JSON_FORMAT);
          reference = null;
        } catch (ConfigException e) {
          reference = e.getMessage();
        }
        if (reference != null) {
          try {
            bytes(text, file, type, Encoding.DEFAULT);
            fail(file + ": JsonFormat rejects (" + reference + "), the encoder accepts");
          } catch (ConfigException e) {
            assertEquals(reference, e.getMessage(), file.toString());
          }
          bothRejected++;
          break;
        }
        try {
          ByteString actual = bytes(text, file, type, Encoding.ENCODER_ONLY);
          assertEquals(hex(expected), hex(actual), file + " as " + type.getFullName());
          encoded++;
        } catch (ConfigException e) {
          notEncoded.add(file + ": " + e.getMessage());
          assertEquals(hex(expected), hex(bytes(text, file, type, Encoding.DEFAULT)), file.toString());
        }
        break;
      }
    }
    System.err.println("ProtoJsonWireEncoderTest: " + files.size() + " files, " + encoded
        + " encoded identically, " + bothRejected + " rejected by both, left to JsonFormat: " + notEncoded);
    assertTrue(encoded >= 20, "encoded " + encoded);
    assertTrue(notEncoded.isEmpty(), "left to JsonFormat: " + notEncoded);
  }

  private static ByteString bytes(String text, Path file, Descriptor type, Encoding encoding) throws ConfigException {
    return bytes(text, file, type, encoding, UnknownFieldPolicy.IGNORE);
  }

  private static ByteString bytes(String text, Path file, Descriptor type, Encoding encoding,
      UnknownFieldPolicy policy) throws ConfigException {
    JsonNode tree = ConfigDocuments.parse(text, ConfigDocuments.Syntax.of(file), file.toString());
    return PARSER.wireBytes(tree, type, policy, "", encoding);
  }

  private static void collect(Path dir, List<Path> files) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
      }).sorted().forEach(files::add);
    }
  }

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  // ---- targeted cases: each JSON mapping rule, both encoders, same bytes ----

  private static void same(String yaml) throws ConfigException {
    same(yaml, Bootstrap.getDescriptor());
  }

  private static void same(String yaml, Descriptor type) throws ConfigException {
    Path file = Path.of("case.yaml");
    ByteString expected = bytes(yaml, file, type, Encoding.JSON_FORMAT);
    ByteString actual = bytes(yaml, file, type, Encoding.ENCODER_ONLY);
    assertEquals(hex(expected), hex(actual), yaml);
  }

  /** Both reject {@code yaml} with the same error, which names {@code path}. */
  private static void rejected(String yaml, String path) {
    Path file = Path.of("case.yaml");
    String reference = null;
    try {
      bytes(yaml, file, Bootstrap.getDescriptor(), Encoding.JSON_FORMAT, UnknownFieldPolicy.REJECT);
      fail("JsonFormat accepts " + yaml);
    } catch (ConfigException e) {
      reference = e.getMessage();
    }
    try {
      bytes(yaml, file, Bootstrap.getDescriptor(), Encoding.DEFAULT, UnknownFieldPolicy.REJECT);
      fail("accepted " + yaml);
    } catch (ConfigException e) {
      assertEquals(reference, e.getMessage());
      assertTrue(e.getMessage().contains(path), e.getMessage());
    }
  }

  private static final String LISTENER = """
      static_resources:
        listeners:
        - name: l
          address: {socket_address: {address: 127.0.0.1, port_value: 1}}
          filter_chains:
          - filters:
            - name: hcm
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: s
                %s
      """;

  @Test
  void fieldNamesJsonNamesAndDefaults() throws ConfigException {
    same("node: {id: a, userAgentName: b, user_agent_version: ''}\nstats_flush_interval: 5s");
    same("admin: {address: {socket_address: {address: 0.0.0.0, port_value: 0, ipv4_compat: false}}}");
    same("overload_manager: {refresh_interval: 0.25s}\nenable_dispatcher_stats: true");
  }

  @Test
  void wellKnownTypes() throws ConfigException {
    same("stats_flush_interval: 1.5s\nnode: {metadata: {a: 1, b: [x, 2.5, true, null, {c: -0.0}], d: {}, e: '3'}}");
    same("stats_flush_interval: 0s\nstats_config: {use_all_default_tags: false}"); // wrapper at its default
    same("stats_config: {use_all_default_tags: {value: true}, stats_matcher: {reject_all: true}}");
    same("layered_runtime: {layers: [{name: a, static_layer: {x: 1, y: {z: [1, 2]}, n: null, s: ''}}]}");
    same("static_resources: {clusters: [{name: c, connect_timeout: 0.000000001s, per_connection_buffer_limit_bytes: 0,"
        + " common_lb_config: {healthy_panic_threshold: {value: 0}}}]}");
  }

  @Test
  void scalars() throws ConfigException {
    same("static_resources: {clusters: [{name: c, type: STRICT_DNS, lb_policy: 0, dns_lookup_family: 2,"
        + " max_requests_per_connection: 4294967295, upstream_bind_config: {source_address: {address: x}}}]}");
    same("static_resources: {clusters: [{name: c, lb_policy: RING_HASH, ring_hash_lb_config: {minimum_ring_size: '18446744073709551615'}}]}");
    same("static_resources: {clusters: [{name: c, common_lb_config: {healthy_panic_threshold: {value: 12.5}}}]}");
    same("static_resources: {clusters: [{name: c, common_lb_config: {healthy_panic_threshold: {value: '1e2'}}}]}");
    same("static_resources: {clusters: [{name: c, common_lb_config: {healthy_panic_threshold: {value: .inf}}}]}");
    same("static_resources: {clusters: [{name: c, common_lb_config: {healthy_panic_threshold: {value: NaN}}}]}");
    same("static_resources: {clusters: [{name: c, common_lb_config: {healthy_panic_threshold: {value: -0.0}}}]}");
    same("static_resources: {clusters: [{name: c, per_connection_buffer_limit_bytes: 0x10}]}");
    same("node: {id: 5, cluster: true}\nenable_dispatcher_stats: yes");
  }

  @Test
  void repeatedAndMapsAndOneofs() throws ConfigException {
    same("static_resources: {secrets: [{name: s, generic_secret: {secret: {inline_bytes: aGVsbG8=}}}]}");
    same("static_resources: {secrets: [{name: s, generic_secret: {secret: {inline_bytes: 'a-_b'}}}]}"); // URL-safe
    same("static_resources: {secrets: [{name: s, generic_secret: {secret: {inline_string: ''}}}]}"); // oneof default
    same(String.format(LISTENER, "route_config: {virtual_hosts: [{name: v, domains: '*', routes: [{match: {prefix: /},"
        + " direct_response: {status: 200}, typed_per_filter_config: {}}]}]}\n          http_filters: []"));
    same(String.format(LISTENER, "codec_type: HTTP2\n          http2_protocol_options: {custom_settings_parameters:"
        + " [{identifier: 8, value: 1}]}\n          route_config: {request_headers_to_remove: [a, b]}"));
    same("static_resources: {clusters: [{name: c, metadata: {filter_metadata: {a: {x: 1}, b: {}}},"
        + " typed_extension_protocol_options: {envoy.extensions.upstreams.http.v3.HttpProtocolOptions: {'@type':"
        + " type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions, explicit_http_config:"
        + " {http2_protocol_options: {}}}}}]}");
  }

  @Test
  void anys() throws ConfigException {
    same(String.format(LISTENER, "http_filters: [{name: r, typed_config: {'@type': "
        + "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]"));
    same(String.format(LISTENER, "http_filters: [{name: r, typed_config: {}}]"));
    same(String.format(LISTENER, "http_filters: [{name: r, typed_config: {'@type': "
        + "type.googleapis.com/google.protobuf.Struct, value: {a: [1, b]}}}]"));
    same(String.format(LISTENER, "http_filters: [{name: r, typed_config: {'@type': "
        + "type.googleapis.com/google.protobuf.Duration, value: 2s}}]"));
    same(String.format(LISTENER, "http_filters: [{name: r, typed_config: {'@type': "
        + "type.googleapis.com/xds.type.v3.TypedStruct, type_url: "
        + "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router, value: {suppress_envoy_headers: true}}}]"));
  }

  @Test
  void nullsAreUnset() throws ConfigException {
    same("node: null\nadmin: {address: null}\nstats_flush_interval: ~");
    same("node: {metadata: {a: null}}");
  }

  @Test
  void invalidInputBothRejectNamingTheField() {
    rejected("admin: {address: {socket_address: {port_value: -1}}}", "admin.address.socket_address.port_value");
    rejected("stats_flush_interval: 5", "stats_flush_interval");
    rejected("static_resources: {clusters: [{name: c, type: NOPE}]}", "static_resources.clusters[0].type");
    rejected("static_resources: {secrets: [{name: s, generic_secret: {secret: {inline_bytes: '!!'}}}]}",
        "inline_bytes");
    rejected("static_resources: {secrets: [{name: s, generic_secret: {secret: {inline_bytes: aa, inline_string: b}}}]}",
        "inline_string");
    rejected("node: {nope: 1}", "node.nope");
    rejected("static_resources: {clusters: [{name: c, common_lb_config: {healthy_panic_threshold: {value: 1e400}}}]}",
        "Out of range double value"); // protobuf's parser's error, as before (no field path: unchanged)
  }
}
