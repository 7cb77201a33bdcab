package dev.javoy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.server.Server;
import dev.javoy.proxy.server.ServerOptions;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code --mode validate} over real configs (../shared/conformance): Istio's rendered bootstraps (loaded with
 * {@code --allow-unknown-static-fields}, as pilot-agent runs Envoy), Envoy's example and demo configs. Files not
 * in {@link #EXPECTED_FAILURES} must validate; files in it must fail with exactly that problem.
 */
class ConformanceValidateTest {
  static final String TYPE = "unsupported extension type URL type.googleapis.com/";
  static final String OPENTELEMETRY = TYPE + "envoy.config.trace.v3.OpenTelemetryConfig";
  static final String MISSING_CERT = "unable to read file 'certs/";

  /**
   * Corpus file → a substring of the error it fails with today: the extension (type URL) or field a later issue
   * implements. This map may only shrink: when a feature lands, delete its entries (the test fails while a
   * listed file passes), and when a file's first problem moves on to another unimplemented feature, replace the
   * substring with the new one. Never add an entry for a file that validated before.
   */
  static final Map<String, String> EXPECTED_FAILURES = Map.ofEntries(
      // Istio: tracers javoy does not have (Zipkin is built)
      istio("tracing_datadog", TYPE + "envoy.config.trace.v3.DatadogConfig"),
      istio("tracing_lightstep", TYPE + "envoy.config.trace.v3.LightstepConfig"),
      // Istio: load reporting (LRS) to the control plane
      istio("lrs", "cluster_manager.load_stats_config: field not supported"),
      // Istio: stats sinks (past the Zipkin tracer now): the metrics service and statsd
      istio("metrics_no_statsd", TYPE + "envoy.config.metrics.v3.MetricsServiceConfig"),
      istio("all", TYPE + "envoy.config.metrics.v3.MetricsServiceConfig"),
      istio("invalid_stats_eviction_interval", TYPE + "envoy.config.metrics.v3.MetricsServiceConfig"),
      istio("stats_eviction_interval", TYPE + "envoy.config.metrics.v3.MetricsServiceConfig"),
      istio("stats_flush_interval", TYPE + "envoy.config.metrics.v3.MetricsServiceConfig"),
      istio("stats_interval", TYPE + "envoy.config.metrics.v3.MetricsServiceConfig"),
      istio("running", "unsupported stats sink extension 'envoy.stat_sinks.statsd'"),
      istio("runningsds", "unsupported stats sink extension 'envoy.stat_sinks.statsd'"),
      // Istio ambient: istio/proxy's own bootstrap extension, not part of Envoy
      istio("ambient", "type.googleapis.com/istio.workload.BootstrapExtension"),
      // Envoy examples
      // certificates the examples generate at run time (not in the corpus): Envoy fails to load them too
      Map.entry("envoy-examples/double-proxy/envoy-backend.yaml", MISSING_CERT),
      Map.entry("envoy-examples/double-proxy/envoy-frontend.yaml", MISSING_CERT),
      Map.entry("envoy-examples/grpc-bridge/client/envoy-proxy.yaml",
          TYPE + "envoy.extensions.filters.http.grpc_http1_bridge.v3.Config"),
      Map.entry("envoy-examples/lua-cluster-specifier/envoy.yaml",
          TYPE + "envoy.extensions.router.cluster_specifiers.lua.v3.LuaConfig"),
      Map.entry("envoy-examples/lua/envoy.yaml", TYPE + "envoy.extensions.filters.http.lua.v3.LuaPerRoute"),
      Map.entry("envoy-examples/opentelemetry/envoy-1.yaml", OPENTELEMETRY),
      Map.entry("envoy-examples/opentelemetry/envoy-2.yaml", OPENTELEMETRY),
      Map.entry("envoy-examples/opentelemetry/envoy-front-proxy.yaml", OPENTELEMETRY),
      Map.entry("envoy-examples/rbac/envoy.yaml", TYPE + "envoy.extensions.filters.http.rbac.v3.RBAC"),
      Map.entry("envoy-examples/tls-sni/envoy.yaml", MISSING_CERT));

  /** xDS resource files of the dynamic-config-fs example: DiscoveryResponses, not bootstraps. */
  static final List<String> DISCOVERY_RESPONSES = List.of(
      "envoy-examples/dynamic-config-fs/configs/lds.yaml", "envoy-examples/dynamic-config-fs/configs/cds.yaml");

  private static Map.Entry<String, String> istio(String name, String failure) {
    return Map.entry("istio-bootstrap/" + name + "_golden.json", failure);
  }

  static Path corpus() {
    Path root = Path.of(System.getProperty("javoy.root", Path.of("").toAbsolutePath().getParent().toString()));
    Path corpus = root.resolve("../shared/conformance").normalize();
    Assumptions.assumeTrue(Files.isDirectory(corpus),
        "conformance corpus absent (expected at " + corpus + "); skipping conformance validation");
    return corpus;
  }

  static List<String> bootstrapFiles(Path corpus) throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> istio = Files.list(corpus.resolve("istio-bootstrap"))) {
      istio.filter(p -> p.toString().endsWith(".json")).forEach(p -> files.add(relative(corpus, p)));
    }
    for (String dir : List.of("envoy-examples", "envoy-configs")) {
      try (Stream<Path> yamls = Files.walk(corpus.resolve(dir))) {
        yamls.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .map(p -> relative(corpus, p)).filter(f -> !DISCOVERY_RESPONSES.contains(f)).forEach(files::add);
      }
    }
    files.sort(null);
    return files;
  }

  private static String relative(Path corpus, Path file) {
    return corpus.relativize(file).toString().replace('\\', '/');
  }

  static ServerOptions options(String file, boolean allowUnknownStaticFields) {
    ServerOptions d = ServerOptions.defaults();
    return new ServerOptions(file, null, ServerOptions.Mode.VALIDATE, 2, d.drainTime(), d.drainStrategy(),
        d.parentShutdownTime(), "v4", null, null, null, allowUnknownStaticFields, false, d.fileFlushInterval(),
        d.fileFlushMinSizeKb(), d.transport());
  }

  /** Loads and validates one corpus file as {@code --mode validate} does; returns the problem or null. */
  static String validate(Path corpus, String file) {
    ServerOptions options = options(corpus.resolve(file).toString(), file.startsWith("istio-bootstrap/"));
    try {
      Bootstrap bootstrap = new BootstrapLoader(CoreTypes.defaultRegistry().typeRegistry()).load(options);
      Server.validate(options, bootstrap);
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  @TestFactory
  Stream<DynamicTest> bootstrapsValidateOrFailAsExpected() throws IOException {
    Path corpus = corpus();
    return bootstrapFiles(corpus).stream().map(file -> DynamicTest.dynamicTest(file, () -> {
      String problem = validate(corpus, file);
      String expected = EXPECTED_FAILURES.get(file);
      if (expected == null && problem != null) {
        fail(file + " should validate but: " + problem);
      } else if (expected != null && problem == null) {
        fail(file + " validates now: remove it from EXPECTED_FAILURES");
      } else if (expected != null) {
        assertTrue(problem.contains(expected), file + " fails differently than expected (update EXPECTED_FAILURES "
            + "if the expected feature landed):\n  expected: ..." + expected + "...\n  actual:   " + problem);
      }
    }));
  }

  @Test
  void expectedFailuresNameCorpusFiles() throws IOException {
    Path corpus = corpus();
    List<String> files = bootstrapFiles(corpus);
    for (String file : EXPECTED_FAILURES.keySet()) {
      assertTrue(files.contains(file), "EXPECTED_FAILURES names " + file + ", which is not in the corpus");
    }
  }

  @TestFactory
  Stream<DynamicTest> dynamicConfigFilesParseAsDiscoveryResponses() {
    Path corpus = corpus();
    ProtoJsonParser parser = new ProtoJsonParser(CoreTypes.defaultRegistry().typeRegistry());
    return DISCOVERY_RESPONSES.stream().map(file -> DynamicTest.dynamicTest(file, () -> {
      DiscoveryResponse response = parser.parse(ConfigDocuments.read(corpus.resolve(file)),
          DiscoveryResponse.getDefaultInstance(), UnknownFieldPolicy.REJECT, "");
      assertTrue(response.getResourcesCount() > 0, file + " has no resources");
      String type = response.getResources(0).getTypeUrl();
      assertEquals(file.endsWith("lds.yaml") ? "type.googleapis.com/envoy.config.listener.v3.Listener"
          : "type.googleapis.com/envoy.config.cluster.v3.Cluster", type);
    }));
  }
}
