package dev.javoy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.route.RdsRouteProvider;
import dev.javoy.proxy.http.route.RdsSource;
import dev.javoy.proxy.listener.ListenerFactory;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.HostDiscovery;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every dynamic listener and cluster istiod pushed in the Istio config dumps ({@code ../shared/conformance/
 * istio-config-dumps}), built through javoy's builders as xDS would (building is the validation). Two passes:
 *
 * <ol>
 *   <li>as pushed: each resource builds, or fails with a problem listed in {@link #EXPECTED} (by dump: error
 *       substring → number of resources). The problems listed belong to features being built elsewhere (TLS
 *       transport sockets, listener filters, ORIGINAL_DST clusters) or that Envoy rejected too;
 *   <li>without those features (listener filters, transport sockets and ORIGINAL_DST stripped), so that everything
 *       else in the resources — Istio's own extensions included — is checked now: each builds, or fails as listed in
 *       {@link #EXPECTED_WITHOUT_OTHER_AREAS}.
 * </ol>
 *
 * Both maps may only shrink: a count that drops fails the test until the map is lowered to match.
 */
class IstioConfigDumpTest {
  static final String TYPE = "unsupported extension type URL type.googleapis.com/";
  // Other engineers' areas, being built now:
  static final String UPSTREAM_TLS = TYPE + "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
  static final String DOWNSTREAM_TLS = TYPE + "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
  static final String LISTENER_FILTERS = ".listener_filters[";
  static final String ORIGINAL_DST_LISTENER = ".use_original_dst: field not supported"; // Istio 1.9's virtual listeners
  // Gaps nobody is building yet (not Istio's extensions):
  static final String UPSTREAM_BIND = "upstream_bind_config: field not supported";
  static final String TRACING = "typed_config.tracing: field not supported";
  static final String LUA = TYPE + "envoy.extensions.filters.http.lua.v3.Lua";

  /** dump file → (substring of the error → number of resources failing with it), as pushed. */
  static final Map<String, Map<String, Integer>> EXPECTED = Map.of(
      "sidecar-istio-1.18.json", Map.of(LUA, 2),
      "sidecar-istio-1.20.json", Map.of(),
      "ingress-gateway-istio-1.20.json", Map.of(),
      "sidecar-istio-1.9.json", Map.of());

  /**
   * The same after removing {@link #STRIPPED}: only what nobody builds yet is left. Lua: the 1.18 sidecar's user
   * EnvoyFilter (Envoy itself rejected the {@code virtualInbound} copy, see the corpus README).
   */
  static final Map<String, Map<String, Integer>> EXPECTED_WITHOUT_OTHER_AREAS = Map.of(
      "sidecar-istio-1.18.json", Map.of(LUA, 2),
      "sidecar-istio-1.20.json", Map.of(),
      "ingress-gateway-istio-1.20.json", Map.of(),
      "sidecar-istio-1.9.json", Map.of());

  static final List<String> CATEGORIES = List.of(UPSTREAM_TLS, DOWNSTREAM_TLS, LISTENER_FILTERS, ORIGINAL_DST_LISTENER,
      UPSTREAM_BIND, TRACING, LUA);

  static Path dumps() {
    Path root = Path.of(System.getProperty("javoy.root", Path.of("").toAbsolutePath().getParent().toString()));
    Path dir = root.resolve("../shared/conformance/istio-config-dumps").normalize();
    Assumptions.assumeTrue(Files.isDirectory(dir),
        "Istio config dumps absent (expected at " + dir + "); skipping the Istio config dump check");
    return dir;
  }

  /** One resource of a dump: its kind, name and JSON. */
  record Resource(String kind, String name, JsonNode json) {
    /** The resource as an {@code Any} in JSON carries its {@code @type}; the message itself does not. */
    Resource {
      if (json instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.has("@type")) {
        json = o.deepCopy().without("@type");
      }
    }
  }

  static List<Resource> resources(Path dump) throws ConfigException {
    JsonNode root = ConfigDocuments.read(dump);
    List<Resource> out = new ArrayList<>();
    for (JsonNode config : root.path("configs")) {
      String type = config.path("@type").asText();
      if (type.endsWith("ListenersConfigDump")) {
        for (JsonNode l : config.path("dynamic_listeners")) {
          JsonNode listener = l.path("active_state").path("listener");
          if (listener.isMissingNode()) {
            listener = l.path("warming_state").path("listener");
          }
          if (listener.isMissingNode()) {
            listener = l.path("error_state").path("failed_configuration");
          }
          if (!listener.isMissingNode()) {
            out.add(new Resource("listener", l.path("name").asText(), listener));
          }
        }
      } else if (type.endsWith("ClustersConfigDump")) {
        for (String kind : List.of("dynamic_active_clusters", "dynamic_warming_clusters")) {
          for (JsonNode c : config.path(kind)) {
            out.add(new Resource("cluster", c.path("cluster").path("name").asText(), c.path("cluster")));
          }
        }
      }
    }
    return out;
  }

  /** Builds listeners and clusters as the server does, without binding or connecting anything. */
  static final class Builders {
    /** A worker loop for the clusters that need one (ORIGINAL_DST); nothing runs on it here. */
    static final io.netty.channel.EventLoop WORKER =
        new io.netty.channel.DefaultEventLoop(new io.netty.util.concurrent.DefaultThreadFactory("dump-worker", true));
    final StatsStore stats = new StatsStore();
    final ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
    final ProtoJsonParser parser = new ProtoJsonParser(CoreTypes.defaultRegistry().typeRegistry());
    final ClusterFactory clusters;
    final ClusterManager clusterManager;
    final ListenerFactory listeners;

    Builders(Node node) {
      clusters = new ClusterFactory(stats, List.of(WORKER), (c, p) -> noHosts()); // ORIGINAL_DST needs a worker
      clusters.setEdsSource((service, subscriber) -> () -> { });
      // SDS secrets (Istio's default/ROOTCA over sds-grpc) are watched; none arrives while building
      dev.javoy.proxy.secret.SecretProvider sds = (config, p, listener) -> dev.javoy.proxy.secret.SecretWatch.NOOP;
      clusters.setSecrets(sds);
      clusterManager = new ClusterManager(clusters);
      RdsSource rds = RdsRouteProvider::new;
      FactoryContext ctx = new FactoryContext() {
        @Override public StatsStore stats() { return stats; }
        @Override public ExtensionResolver extensions() { return resolver; }
        @Override public ClusterManager clusterManager() { return clusterManager; }
        @Override public ServerOptions options() { return ServerOptions.defaults(); }
        @Override public String listenerStatPrefix() { return ""; }
        @Override public RdsSource rdsSource() { return rds; }
        @Override public Node localNode() { return node; }
        @Override public dev.javoy.proxy.secret.SecretProvider secrets() { return sds; }
      };
      clusters.setUpstreamFilterContext(ctx);
      listeners = new ListenerFactory(prefix -> ctx);
    }

    static HostDiscovery noHosts() {
      return (cluster, initialized) -> initialized.run();
    }

    /** The problem building {@code r}, or null when it builds. */
    String build(Resource r, boolean withoutOtherAreas) {
      String path = r.kind() + " '" + r.name() + "'";
      try {
        if (r.kind().equals("listener")) {
          Listener l = parser.parse(withoutOtherAreas ? strip("listener", r.json()) : r.json(),
              Listener.getDefaultInstance(), UnknownFieldPolicy.REJECT, path);
          listeners.create(l, path);
        } else {
          Cluster c = parser.parse(withoutOtherAreas ? strip("cluster", r.json()) : r.json(),
              Cluster.getDefaultInstance(), UnknownFieldPolicy.REJECT, path);
          clusters.create(c, path);
        }
        return null;
      } catch (ConfigException e) {
        return e.getMessage();
      }
    }
  }

  /**
   * Fields of the dumps' resources that belong to javoy features other engineers build (or that nobody builds yet:
   * reported as gaps), removed for the second pass so that the rest is checked. Paths are JSON paths with {@code *}
   * for every array element.
   */
  static final Map<String, List<String>> STRIPPED = Map.of(
      "listener", List.of(
          "listener_filters", "listener_filters_timeout", "continue_on_listener_filters_timeout", // listener filters
          "use_original_dst",                           // pre-listener-filter original destination (Istio 1.9)
          "filter_chains.*.transport_socket",           // downstream TLS
          "filter_chains.*.filters.*.typed_config.normalize_path", // HCM path normalization (issue 3)
          "filter_chains.*.filters.*.typed_config.merge_slashes",
          "filter_chains.*.filters.*.typed_config.path_with_escaped_slashes_action",
          "filter_chains.*.filters.*.typed_config.forward_client_cert_details", // XFCC: with downstream TLS
          "filter_chains.*.filters.*.typed_config.set_current_client_cert_details"),
      "cluster", List.of(
          "transport_socket", "transport_socket_matches", // upstream TLS
          "upstream_bind_config"));                        // source address binding: not built yet

  static JsonNode strip(String kind, JsonNode json) {
    JsonNode copy = json.deepCopy();
    for (String path : STRIPPED.get(kind)) {
      remove(copy, path.split("\\."), 0);
    }
    if (kind.equals("cluster") && copy.path("type").asText().equals("ORIGINAL_DST")) {
      // ORIGINAL_DST clusters: the load balancing work; checked as an empty STATIC cluster.
      var o = (com.fasterxml.jackson.databind.node.ObjectNode) copy;
      o.put("type", "STATIC");
      o.remove("lb_policy");
      o.remove("original_dst_lb_config");
    }
    return copy;
  }

  private static void remove(JsonNode node, String[] path, int i) {
    if (node == null || node.isMissingNode()) {
      return;
    }
    if (i == path.length - 1) {
      if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        o.remove(path[i]);
      }
      return;
    }
    if (path[i].equals("*")) {
      for (JsonNode element : node) {
        remove(element, path, i + 1);
      }
    } else {
      remove(node.get(path[i]), path, i + 1);
    }
  }

  static List<String> dumpFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted().toList();
    }
  }

  static Node node(Path dump, ProtoJsonParser parser) throws ConfigException {
    JsonNode root = ConfigDocuments.read(dump);
    for (JsonNode config : root.path("configs")) {
      if (config.path("@type").asText().endsWith("BootstrapConfigDump")) {
        JsonNode node = config.path("bootstrap").path("node");
        if (!node.isMissingNode()) {
          // The dumped node has fields javoy does not model (user_agent_build_version, extensions): keep id and metadata.
          Node.Builder b = Node.newBuilder().setId(node.path("id").asText());
          if (node.has("metadata")) {
            var tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            tree.set("metadata", node.get("metadata"));
            b.setMetadata(parser.parse(tree, Node.getDefaultInstance(), UnknownFieldPolicy.REJECT, "node").getMetadata());
          }
          return b.build();
        }
      }
    }
    return Node.getDefaultInstance();
  }

  @TestFactory
  Stream<DynamicTest> everyDynamicResourceBuildsOrFailsAsExpected() throws IOException {
    Path dir = dumps();
    List<DynamicTest> tests = new ArrayList<>();
    for (String file : dumpFiles(dir)) {
      for (boolean stripped : List.of(false, true)) {
        tests.add(DynamicTest.dynamicTest(file + (stripped ? " without TLS, listener filters, ORIGINAL_DST" : " as pushed"),
            () -> check(dir, file, stripped)));
      }
    }
    return tests.stream();
  }

  static void check(Path dir, String file, boolean stripped) throws Exception {
    Path dump = dir.resolve(file);
    Builders builders = new Builders(node(dump, new ProtoJsonParser(CoreTypes.defaultRegistry().typeRegistry())));
    Map<String, Integer> expected = (stripped ? EXPECTED_WITHOUT_OTHER_AREAS : EXPECTED).get(file);
    if (expected == null) {
      fail(file + " is not in the expected-failure maps: add it");
    }
    Map<String, Integer> counts = new TreeMap<>();
    List<String> unexpected = new ArrayList<>();
    List<Resource> resources = resources(dump);
    for (Resource r : resources) {
      String problem = builders.build(r, stripped);
      if (problem == null) {
        continue;
      }
      String reason = CATEGORIES.stream().filter(problem::contains).findFirst().orElse(null);
      if (reason == null || !expected.containsKey(reason)) {
        unexpected.add(problem);
      } else {
        counts.merge(reason, 1, Integer::sum);
      }
    }
    StringBuilder report = new StringBuilder(file + (stripped ? " [without other areas]" : " [as pushed]") + ": "
        + resources.size() + " dynamic listeners and clusters");
    counts.forEach((k, v) -> report.append("\n  expected failure x").append(v).append(": ").append(k));
    List<String> unlisted = new ArrayList<>();
    for (String u : unexpected) {
      String c = CATEGORIES.stream().filter(u::contains).findFirst().orElse(null);
      if (c != null) {
        unlisted.add(c);
      }
    }
    CATEGORIES.forEach(c -> {
      long n = unlisted.stream().filter(c::equals).count();
      if (n > 0) {
        report.append("\n  known problem not in the map x").append(n).append(": ").append(c);
      }
    });
    unexpected.stream().filter(u -> CATEGORIES.stream().noneMatch(u::contains))
        .forEach(u -> report.append("\n  UNEXPECTED: ").append(u));
    System.out.println(report);
    if (!unexpected.isEmpty()) {
      fail(report.toString());
    }
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertEquals(e.getValue(), counts.getOrDefault(e.getKey(), 0), file + ": resources failing with '"
          + e.getKey() + "' (the map may only shrink: lower the count when a feature lands)\n" + report);
    }
  }
}
