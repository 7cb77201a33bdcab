package dev.javoy.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.server.Server;
import dev.javoy.proxy.server.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every listener and cluster istiod pushed to real sidecars and gateways (../shared/conformance/istio-config-dumps),
 * built one by one as javoy would build it from LDS/CDS: none may be rejected for listener filters
 * (tls_inspector, http_inspector, original_dst), {@code use_original_dst}, {@code bind_to_port}, ORIGINAL_DST
 * clusters or {@code upstream_bind_config}. Other rejections (features of other areas) are printed, not failed.
 */
class IstioConfigDumpListenersTest {
  private static final Pattern MINE = Pattern.compile(
      "listener_filters|use_original_dst|bind_to_port|ORIGINAL_DST|CLUSTER_PROVIDED|original_dst|"
          + "upstream_bind_config|tls_inspector|http_inspector|TlsInspector|HttpInspector|OriginalDst|transparent|"
          + "freebind|listener filter");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path dumps() {
    String root = System.getProperty("javoy.root");
    Path repo = root != null ? Path.of(root) : Path.of(System.getProperty("user.dir")).getParent();
    return repo.toAbsolutePath().normalize().resolveSibling("shared").resolve("conformance")
        .resolve("istio-config-dumps");
  }

  private static String validate(String kind, JsonNode resource) {
    ObjectNode r = resource.deepCopy();
    r.remove("@type");
    ObjectNode b = JSON.createObjectNode();
    b.putObject("static_resources").putArray(kind).add(r);
    String text = b.toString();
    ServerOptions d = ServerOptions.defaults();
    ServerOptions options = new ServerOptions(null, null, ServerOptions.Mode.VALIDATE, 2, d.drainTime(),
        d.drainStrategy(), d.parentShutdownTime(), "v4", null, null, null, true, false, d.fileFlushInterval(),
        d.fileFlushMinSizeKb(), d.transport());
    try {
      Server.validate(options, new BootstrapLoader(CoreTypes.defaultRegistry().typeRegistry())
          .parse(text, ConfigDocuments.Syntax.JSON, UnknownFieldPolicy.WARN, "dump"));
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  /**
   * The resource without the parts other areas build (network filters, TLS, protocol options...), so that a
   * rejection there cannot hide one in listener filters or original destination clusters: listeners keep their
   * address, listener filters and their options with one plain filter chain per original chain match; clusters
   * keep their type, load balancing, original_dst_lb_config, cleanup and bind config.
   */
  private static JsonNode reduced(String kind, JsonNode resource) {
    ObjectNode out = JSON.createObjectNode();
    if (kind.equals("listeners")) {
      for (String f : List.of("name", "address", "listener_filters", "listener_filters_timeout",
          "continue_on_listener_filters_timeout", "use_original_dst", "bind_to_port", "traffic_direction",
          "transparent", "freebind")) {
        if (resource.has(f)) {
          out.set(f, resource.get(f));
        }
      }
      var chains = out.putArray("filter_chains");
      for (JsonNode fc : resource.path("filter_chains")) {
        ObjectNode c = chains.addObject();
        if (fc.has("filter_chain_match")) {
          c.set("filter_chain_match", fc.get("filter_chain_match"));
        }
        ObjectNode tcp = c.putArray("filters").addObject();
        tcp.put("name", "envoy.filters.network.tcp_proxy");
        ObjectNode cfg = tcp.putObject("typed_config");
        cfg.put("@type", "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
        cfg.put("stat_prefix", "reduced");
        cfg.put("cluster", "reduced");
      }
      if (chains.isEmpty()) {
        ObjectNode def = out.putObject("default_filter_chain");
        ObjectNode tcp = def.putArray("filters").addObject();
        tcp.put("name", "envoy.filters.network.tcp_proxy");
        ObjectNode cfg = tcp.putObject("typed_config");
        cfg.put("@type", "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
        cfg.put("stat_prefix", "reduced");
        cfg.put("cluster", "reduced");
      }
    } else {
      for (String f : List.of("name", "type", "lb_policy", "original_dst_lb_config", "cleanup_interval",
          "upstream_bind_config", "connect_timeout", "load_assignment", "eds_cluster_config")) {
        if (resource.has(f)) {
          out.set(f, resource.get(f));
        }
      }
    }
    return out;
  }

  @Test
  void noIstioListenerOrClusterIsRejectedForListenerFiltersOrOriginalDestination() throws Exception {
    Path dir = dumps();
    assumeTrue(Files.isDirectory(dir), "no conformance corpus at " + dir);
    List<String> mine = new ArrayList<>();
    Map<String, Integer> others = new TreeMap<>();
    int listeners = 0;
    int clusters = 0;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : files) {
      JsonNode dump = JSON.readTree(file.toFile());
      for (JsonNode config : dump.path("configs")) {
        String type = config.path("@type").asText();
        List<JsonNode> resources = new ArrayList<>();
        String kind;
        if (type.endsWith("ListenersConfigDump")) {
          kind = "listeners";
          for (JsonNode l : config.path("dynamic_listeners")) {
            if (l.path("active_state").has("listener")) {
              resources.add(l.path("active_state").path("listener"));
            }
          }
          for (JsonNode l : config.path("static_listeners")) {
            resources.add(l.path("listener"));
          }
          listeners += resources.size();
        } else if (type.endsWith("ClustersConfigDump")) {
          kind = "clusters";
          for (JsonNode c : config.path("dynamic_active_clusters")) {
            resources.add(c.path("cluster"));
          }
          for (JsonNode c : config.path("static_clusters")) {
            resources.add(c.path("cluster"));
          }
          clusters += resources.size();
        } else {
          continue;
        }
        for (JsonNode r : resources) {
          String reducedError = validate(kind, reduced(kind, r));
          if (reducedError != null && !reducedError.contains("EDS clusters need xDS")) {
            mine.add(file.getFileName() + " " + kind + " " + r.path("name").asText() + " (reduced to the parts "
                + "of this area): " + reducedError);
          }
          String error = validate(kind, r);
          if (error == null) {
            continue;
          }
          String where = file.getFileName() + " " + kind + " " + r.path("name").asText() + ": ";
          if (MINE.matcher(error).find()) {
            mine.add(where + error);
          } else {
            others.merge(error.replaceAll("\\[\\d+]", "[]").replaceAll("^static_resources\\.\\w+\\[]\\.", ""),
                1, Integer::sum);
          }
        }
      }
    }
    System.out.println("Istio config dumps: " + listeners + " listeners, " + clusters + " clusters; rejections "
        + "outside listener filters / original destination:");
    others.forEach((e, n) -> System.out.println("  " + n + " x " + e));
    assertTrue(listeners > 100 && clusters > 100, "the dumps were read");
    assertTrue(mine.isEmpty(), String.join("\n", mine));
  }
}
