package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.javoy.proxy.tls.TestPki;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The xDS issue's acceptance: each Istio {@code /config_dump} of ../shared/conformance/istio-config-dumps is served
 * as istiod pushed it — its dynamic listeners (the one Envoy rejected included), clusters, route configurations and
 * endpoints (rewritten to local test backends, one per cluster, that answer with the cluster's name), and the
 * secrets {@code default}/{@code ROOTCA} over SDS (test-made certificates) — by java-control-plane over a Unix
 * socket (Istio's {@code xds-grpc}/{@code sds-grpc} pipe clusters) to a javoy process in its own network namespace
 * (the dumps' ports and addresses as they are, iptables REDIRECT to virtualOutbound as istio-iptables does).
 *
 * <p>Checked: every resource Envoy accepted is ACKed, except those in the expected-rejection list
 * ({@code istio-dump-expected-nacks.tsv}, empty now; it may only shrink); the listener Envoy rejected is NACKed with a message naming it while everything else serves;
 * {@code /config_dump} parses back with JsonFormat into the resources that were served; and a request sent to a
 * service's address and port through virtualOutbound reaches the cluster the dump's routes name.
 */
class IstioConfigDumpXdsEndToEndTest {
  private static final String BACKEND = String.join("\n",
      "import http.server, json, sys, threading",
      "ports = json.load(open(sys.argv[1]))",
      "def serve(port, name):",
      "    class H(http.server.BaseHTTPRequestHandler):",
      "        protocol_version = 'HTTP/1.1'",
      "        def do_GET(self):",
      "            b = ('cluster=' + name + ' path=' + self.path).encode()",
      "            self.send_response(200)",
      "            self.send_header('Content-Length', str(len(b)))",
      "            self.end_headers()",
      "            self.wfile.write(b)",
      "        def log_message(self, *a):",
      "            pass",
      "    http.server.ThreadingHTTPServer(('127.0.0.1', int(port)), H).serve_forever()",
      "for port, name in ports.items():",
      "    threading.Thread(target=serve, args=(port, name), daemon=True).start()",
      "open(sys.argv[2], 'w').write('up')",
      "threading.Event().wait()",
      "");
  private static final int FIRST_BACKEND_PORT = 21000;

  @TempDir
  Path dir;

  static Path dumpsDir() {
    String root = System.getProperty("javoy.root");
    Path repo = root != null ? Path.of(root) : Path.of(System.getProperty("user.dir")).getParent();
    return repo.toAbsolutePath().normalize().resolveSibling("shared").resolve("conformance")
        .resolve("istio-config-dumps");
  }

  static Stream<String> dumps() throws Exception {
    Path d = dumpsDir();
    if (!Files.isDirectory(d)) {
      return Stream.of("(absent)");
    }
    try (Stream<Path> s = Files.list(d)) {
      String only = System.getProperty("javoy.istioDump", ""); // one dump, e.g. -Djavoy.istioDump=sidecar-istio-1.20
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && n.contains(only)).sorted()
          .toList().stream();
    }
  }

  /** What one dump holds, as served. */
  static final class Served {
    final Map<String, Listener> listeners = new LinkedHashMap<>();
    final Set<String> envoyRejected = new LinkedHashSet<>();
    final Map<String, Cluster> clusters = new LinkedHashMap<>();
    final Map<String, RouteConfiguration> routes = new LinkedHashMap<>();
    final Map<String, ClusterLoadAssignment> endpoints = new LinkedHashMap<>();
    final Map<Integer, String> backendPorts = new TreeMap<>();
    final Map<String, String> backendOfCluster = new LinkedHashMap<>();
    JsonNode node;
  }

  @ParameterizedTest
  @MethodSource("dumps")
  void istiodsPushIsAckedAndNackedAsEnvoyDidAndServes(String file) throws Exception {
    run(file, false);
  }

  /**
   * The same dumps without what other areas have not built yet ({@link IstioDumpReduction}: Istio's own filters,
   * Cluster.filters, HCM tracing, ...), so that everything else — LDS/RDS/CDS/EDS as istiod
   * shapes them, virtualOutbound's original destination hand-off to the {@code bind_to_port: false} listeners,
   * their routes and EDS clusters — is accepted and routes traffic today. Expected rejections: the lines of
   * {@code reduced:<dump file>} in the list (none today).
   */
  @ParameterizedTest
  @MethodSource("dumps")
  void istiodsPushWithoutOtherAreasFeaturesIsAcceptedAndRoutes(String file) throws Exception {
    run(file, true);
  }

  private void run(String file, boolean reduced) throws Exception {
    assumeTrue(!file.equals("(absent)"), "no conformance corpus at " + dumpsDir() + " (see ../shared/conformance"
        + "/README.md); this test serves its Istio config dumps");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces and iptables");
    assumeTrue(NetworkNamespace.run("iptables", "--version").exit() == 0, "iptables is not installed");
    assumeTrue(NetworkNamespace.run("python3", "--version").exit() == 0, "python3 is needed for the backends");

    JsonNode dump = IstioDumpResources.JSON.readTree(dumpsDir().resolve(file).toFile());
    List<JsonNode> docs = List.of(dump);
    IstioDumpResources res = new IstioDumpResources(docs);
    Served s = read(dump, res);
    if (reduced) {
      IstioDumpReduction.apply(s, res);
    }
    System.out.println((reduced ? "reduced " : "") + file + ": serving " + s.listeners.size() + " listeners (Envoy rejected " + s.envoyRejected
        + "), " + s.clusters.size() + " clusters, " + s.routes.size() + " route configurations, "
        + s.endpoints.size() + " endpoint sets; types unknown here, served as empty Anys: " + res.unknownTypes);
    res.droppedFields.forEach(d -> System.out.println("  parsed without fields the v1.34 API lacks: " + d));

    TestPki pki = new TestPki(dir, "istio-ca");
    pki.issue("workload", "workload", "URI:spiffe://cluster.local/ns/default/sa/default");
    Secret cert = Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(
            Files.readAllBytes(pki.cert("workload")))))
        .setPrivateKey(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(
            Files.readAllBytes(pki.key("workload")))))).build();
    Secret rootCa = Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext
        .newBuilder().setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(
            Files.readAllBytes(pki.caCert()))))).build();

    String nodeId = s.node.path("id").asText();
    // delta xDS, as Istio's agent speaks it: java-control-plane's state-of-the-world cache answers a NACK (which
    // carries the previous version) by sending the same resources again at once, a loop istiod does not have
    Map<String, Boolean> answered = new ConcurrentHashMap<>();
    Map<String, Boolean> subscribed = new ConcurrentHashMap<>();
    ControlPlane cp = ControlPlane.unixSocket(dir.resolve("xds.sock"));
    cp.observeDeltaRequests(request -> {
      if (request.getResourceNamesSubscribeCount() > 0) {
        subscribed.put(request.getTypeUrl(), true);
      }
      if (!request.getResponseNonce().isEmpty()) {
        answered.put(request.getTypeUrl(), true);
      }
    });
    cp.set(Snapshot.create(s.clusters.values(), s.endpoints.values(), s.listeners.values(), s.routes.values(),
        List.of(cert, rootCa), "1"));
    String[] why = new String[1];
    NetworkNamespace ns = NetworkNamespace.create("javoy-istio", why);
    List<Process> processes = new ArrayList<>();
    try {
      assumeTrue(ns != null, why[0]);
      Set<String> addresses = new LinkedHashSet<>(List.of("10.77.0.100"));
      for (Listener l : s.listeners.values()) {
        String a = l.getAddress().getSocketAddress().getAddress();
        if (!a.isEmpty() && !a.equals("0.0.0.0") && !a.contains(":") && !a.startsWith("127.")) {
          addresses.add(a);
        }
      }
      for (String a : addresses) {
        NetworkNamespace.Result r = ns.exec("ip", "addr", "add", a + "/32", "dev", "lo");
        assertEquals(0, r.exit(), r.output());
      }
      assertEquals(0, ns.exec("ip", "route", "add", "default", "dev", "lo").exit());
      NetworkNamespace.Result rule = ns.exec("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-s",
          "10.77.0.100", "-j", "REDIRECT", "--to-ports", "15001");
      assumeTrue(rule.exit() == 0, "iptables REDIRECT is not available here: " + rule.output().trim());

      Path ports = dir.resolve("ports.json");
      ObjectNode portsJson = IstioDumpResources.JSON.createObjectNode();
      s.backendPorts.forEach((p, c) -> portsJson.put(Integer.toString(p), c));
      Files.writeString(ports, portsJson.toString());
      Path script = dir.resolve("backends.py");
      Files.writeString(script, BACKEND);
      Path up = dir.resolve("backends.up");
      processes.add(ns.start(dir.resolve("backends.log"), "python3", script.toString(), ports.toString(),
          up.toString()));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, bootstrap(s.node, cp));
      Path log = dir.resolve("javoy.log");
      processes.add(ns.start(log, JavoyProcess.javaBin(), "-Xmx384m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main", "-c",
          config.toString(), "--concurrency", "2", "-l", "warning"));
      Process javoy = processes.get(processes.size() - 1);

      // every type subscribed to answered: ACK or NACK (error_detail)
      awaitAnswered(answered, subscribed, javoy, log);
      awaitReady(ns, javoy, log);
      Thread.sleep(1000);
      awaitAnswered(answered, subscribed, javoy, log);

      Map<String, String> rejected = new TreeMap<>();
      collectRejections(cp, Resources.V3.LISTENER_TYPE_URL, "listener", s.listeners.keySet(), rejected);
      collectRejections(cp, Resources.V3.CLUSTER_TYPE_URL, "cluster", s.clusters.keySet(), rejected);
      collectRejections(cp, Resources.V3.ROUTE_TYPE_URL, "route", s.routes.keySet(), rejected);
      collectRejections(cp, Resources.V3.ENDPOINT_TYPE_URL, "endpoint", s.endpoints.keySet(), rejected);
      System.out.println(file + ": javoy rejected " + rejected.size() + ":");
      rejected.forEach((k, v) -> System.out.println("  " + file + "\t" + k.replace(' ', '\t') + "\t"
          + v.replace('\n', ' ')));

      // the listener Envoy rejected is rejected by name, with a message about it
      for (String name : s.envoyRejected) {
        assertTrue(rejected.containsKey("listener " + name), "Envoy rejected listener " + name
            + "; javoy accepted it. Rejections: " + rejected.keySet());
      }
      // every other rejection is expected, with its reason; every expected one still happens
      Map<String, String> expected = ExpectedNacks.of(reduced ? "reduced:" + file : file);
      List<String> problems = new ArrayList<>();
      rejected.forEach((key, message) -> {
        String name = key.substring(key.indexOf(' ') + 1);
        if (key.startsWith("listener ") && s.envoyRejected.contains(name)) {
          return;
        }
        String reason = expected.get(key);
        if (reason == null) {
          problems.add("unexpected rejection of " + key + ": " + message);
        } else if (!message.contains(reason)) {
          problems.add(key + " rejected for another reason than '" + reason + "': " + message);
        }
      });
      expected.forEach((key, reason) -> {
        if (!rejected.containsKey(key)) {
          problems.add(key + " is accepted now: remove it from istio-dump-expected-nacks.tsv (" + reason + ")");
        }
      });
      assertTrue(problems.isEmpty(), String.join("\n", problems));

      // a type none of whose resources was rejected was ACKed (answered without error_detail)
      for (String type : List.of(Resources.V3.LISTENER_TYPE_URL, Resources.V3.CLUSTER_TYPE_URL)) {
        assertTrue(answered.containsKey(type), type + " never answered");
      }

      // /config_dump parses back and holds what was served
      String configDump = ns.exec("curl", "-s", "http://127.0.0.1:15000/config_dump?include_eds").output();
      assertTrue(configDump.startsWith("{"), "/config_dump failed: " + configDump);
      JsonNode dumpJson = IstioDumpResources.JSON.readTree(configDump);
      int compared = compareDump(res, dumpJson, s, rejected, problems);
      assertTrue(problems.isEmpty(), String.join("\n", problems));
      System.out.println(file + ": /config_dump round-trips " + compared + " resources");
      for (String name : s.envoyRejected) {
        assertTrue(configDump.contains("\"error_state\"") && configDump.contains(name), name);
      }

      // traffic: a service address through virtualOutbound reaches the cluster the routes name
      List<String> routed = checkRouting(ns, s, rejected, problems, log);
      System.out.println(file + ": routed through virtualOutbound: " + routed);
      assertTrue(problems.isEmpty(), String.join("\n", problems));
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
      if (ns != null) {
        ns.close();
      }
      cp.close();
    }
  }

  private static Served read(JsonNode dump, IstioDumpResources res) throws Exception {
    Served s = new Served();
    List<JsonNode> endpointJson = new ArrayList<>();
    for (JsonNode config : dump.path("configs")) {
      String type = config.path("@type").asText();
      if (type.endsWith(".BootstrapConfigDump")) {
        s.node = config.path("bootstrap").path("node");
      } else if (type.endsWith(".ListenersConfigDump")) {
        for (JsonNode l : config.path("dynamic_listeners")) {
          JsonNode active = l.path("active_state").path("listener");
          if (!active.isMissingNode()) {
            Listener listener = res.parse(active, Listener.newBuilder());
            s.listeners.put(listener.getName(), listener);
          } else if (l.path("error_state").has("failed_configuration")) {
            Listener listener = res.parse(l.path("error_state").path("failed_configuration"), Listener.newBuilder());
            if (s.listeners.putIfAbsent(listener.getName(), listener) == null) {
              s.envoyRejected.add(listener.getName());
            }
          }
        }
      } else if (type.endsWith(".ClustersConfigDump")) {
        for (JsonNode c : config.path("dynamic_active_clusters")) {
          Cluster cluster = res.parse(c.path("cluster"), Cluster.newBuilder());
          s.clusters.put(cluster.getName(), cluster);
        }
      } else if (type.endsWith(".RoutesConfigDump")) {
        for (JsonNode r : config.path("dynamic_route_configs")) {
          RouteConfiguration route = res.parse(r.path("route_config"), RouteConfiguration.newBuilder());
          s.routes.put(route.getName(), route);
        }
      } else if (type.endsWith(".EndpointsConfigDump")) {
        for (JsonNode e : config.path("dynamic_endpoint_configs")) {
          endpointJson.add(e.path("endpoint_config"));
        }
      }
    }
    Map<String, ClusterLoadAssignment> fromDump = new LinkedHashMap<>();
    for (JsonNode e : endpointJson) {
      ClusterLoadAssignment cla = res.parse(e, ClusterLoadAssignment.newBuilder());
      fromDump.put(cla.getClusterName(), cla);
    }
    int port = FIRST_BACKEND_PORT;
    for (Cluster c : s.clusters.values()) {
      if (c.getType() != Cluster.DiscoveryType.EDS) {
        continue;
      }
      String service = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
          : c.getEdsClusterConfig().getServiceName();
      int backend = port++;
      s.backendPorts.put(backend, c.getName());
      s.backendOfCluster.put(c.getName(), "cluster=" + c.getName());
      ClusterLoadAssignment original = fromDump.get(service);
      s.endpoints.put(service, rewrite(service, original, backend));
    }
    return s;
  }

  /**
   * The endpoints of a cluster pointed at its local backend: the dump's own endpoint sets keep their localities,
   * weights, health and metadata, minus {@code envoy.transport_socket_match} (the backends speak plain HTTP, not
   * Istio mTLS); clusters the dump has no endpoints for get one endpoint.
   */
  private static ClusterLoadAssignment rewrite(String service, ClusterLoadAssignment original, int port) {
    Address local = Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
        .setPortValue(port)).build();
    if (original == null || original.getEndpointsCount() == 0) {
      return ClusterLoadAssignment.newBuilder().setClusterName(service).addEndpoints(LocalityLbEndpoints
          .newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
              .setAddress(local)))).build();
    }
    ClusterLoadAssignment.Builder b = original.toBuilder();
    for (LocalityLbEndpoints.Builder locality : b.getEndpointsBuilderList()) {
      for (LbEndpoint.Builder e : locality.getLbEndpointsBuilderList()) {
        e.getEndpointBuilder().setAddress(local);
        if (e.hasMetadata()) {
          e.getMetadataBuilder().removeFilterMetadata("envoy.transport_socket_match");
        }
      }
    }
    return b.build();
  }

  private static String bootstrap(JsonNode node, ControlPlane cp) {
    return """
        node: {id: "%s", cluster: "%s"}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 15000}}}
        dynamic_resources:
          ads_config:
            api_type: DELTA_GRPC
            transport_api_version: V3
            set_node_on_first_message_only: true
            grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]
          lds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
          cds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
        static_resources:
          clusters:
        %s%s  - name: prometheus_stats
            type: STATIC
            load_assignment:
              cluster_name: prometheus_stats
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 15000}}}}]}]
          - name: agent
            type: STATIC
            load_assignment:
              cluster_name: agent
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 15020}}}}]}]
          - name: zipkin
            type: STATIC
            load_assignment:
              cluster_name: zipkin
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 9411}}}}]}]
        """.formatted(node.path("id").asText(), node.path("cluster").asText(), cp.clusterYaml("xds-grpc"),
            cp.clusterYaml("sds-grpc"));
  }

  /** Until LDS and CDS, and RDS and EDS if javoy subscribed to any, have been answered (ACK or NACK). */
  private static void awaitAnswered(Map<String, Boolean> answered, Map<String, Boolean> subscribed, Process javoy,
      Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      boolean all = answered.containsKey(Resources.V3.LISTENER_TYPE_URL)
          && answered.containsKey(Resources.V3.CLUSTER_TYPE_URL);
      for (String t : List.of(Resources.V3.ROUTE_TYPE_URL, Resources.V3.ENDPOINT_TYPE_URL)) {
        all &= !subscribed.containsKey(t) || answered.containsKey(t);
      }
      if (all) {
        return;
      }
      if (!javoy.isAlive()) {
        throw new AssertionError("javoy exited:\n" + tail(Files.readString(log)));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not answered: " + answered.keySet() + " of " + subscribed.keySet() + "\n"
        + tail(Files.readString(log)));
  }

  private static void awaitReady(NetworkNamespace ns, Process javoy, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      last = ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:15000/ready")
          .output().trim();
      if (last.equals("200")) {
        return;
      }
      if (!javoy.isAlive()) {
        throw new AssertionError("javoy exited:\n" + tail(Files.readString(log)));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("javoy not ready (" + last + "):\n" + tail(Files.readString(log)));
  }

  /** Each NACK's error_detail names the rejected resources one per line: {@code <name>: <problem>}. */
  private static void collectRejections(ControlPlane cp, String type, String kind, Set<String> names,
      Map<String, String> out) {
    for (String message : cp.nackMessages(type)) {
      for (String line : message.split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0 && names.contains(line.substring(0, colon))) {
          out.put(kind + " " + line.substring(0, colon), line.substring(colon + 2));
        }
      }
    }
  }

  private static int compareDump(IstioDumpResources res, JsonNode dumpJson, Served s, Map<String, String> rejected,
      List<String> problems) throws Exception {
    int compared = 0;
    Map<String, JsonNode> listeners = new LinkedHashMap<>();
    Map<String, JsonNode> clusters = new LinkedHashMap<>();
    Map<String, JsonNode> routes = new LinkedHashMap<>();
    Map<String, JsonNode> endpoints = new LinkedHashMap<>();
    Map<String, JsonNode> errorStates = new LinkedHashMap<>();
    for (JsonNode config : dumpJson.path("configs")) {
      String type = config.path("@type").asText();
      if (type.endsWith(".ListenersConfigDump")) {
        for (JsonNode l : config.path("dynamic_listeners")) {
          if (l.path("active_state").has("listener")) {
            listeners.put(l.path("name").asText(), l.path("active_state").path("listener"));
          }
          if (l.has("error_state")) {
            errorStates.put("listener " + l.path("name").asText(), l.path("error_state"));
          }
        }
      } else if (type.endsWith(".ClustersConfigDump")) {
        for (JsonNode c : config.path("dynamic_active_clusters")) {
          clusters.put(c.path("cluster").path("name").asText(), c.path("cluster"));
        }
      } else if (type.endsWith(".RoutesConfigDump")) {
        for (JsonNode r : config.path("dynamic_route_configs")) {
          routes.put(r.path("route_config").path("name").asText(), r.path("route_config"));
        }
      } else if (type.endsWith(".EndpointsConfigDump")) {
        for (JsonNode e : config.path("dynamic_endpoint_configs")) {
          endpoints.put(e.path("endpoint_config").path("cluster_name").asText(), e.path("endpoint_config"));
        }
      }
    }
    compared += compareKind(res, "listener", s.listeners, listeners, Listener.newBuilder(), rejected, problems);
    compared += compareKind(res, "cluster", s.clusters, clusters, Cluster.newBuilder(), rejected, problems);
    compared += compareKind(res, "route", s.routes, routes, RouteConfiguration.newBuilder(), rejected, problems);
    compared += compareKind(res, "endpoint", s.endpoints, endpoints, ClusterLoadAssignment.newBuilder(), rejected,
        problems);
    for (String name : s.envoyRejected) {
      JsonNode e = errorStates.get("listener " + name);
      if (e == null || !e.path("details").asText().contains(name) && e.path("details").asText().isEmpty()) {
        problems.add("listener " + name + " has no error_state in /config_dump");
      }
    }
    return compared;
  }

  private static <T extends Message> int compareKind(IstioDumpResources res, String kind, Map<String, T> served,
      Map<String, JsonNode> dumped, Message.Builder prototype, Map<String, String> rejected, List<String> problems)
      throws Exception {
    int n = 0;
    for (Map.Entry<String, T> e : served.entrySet()) {
      String key = kind + " " + e.getKey();
      if (rejected.containsKey(key)) {
        continue;
      }
      JsonNode d = dumped.get(e.getKey());
      if (d == null) {
        if (kind.equals("route") || kind.equals("endpoint")) {
          continue; // nobody asked for it: its listener or cluster was rejected
        }
        problems.add(key + " was accepted but is not in /config_dump");
        continue;
      }
      Message back = res.parse(d, prototype.clone().clear());
      JsonNode a = res.json(e.getValue());
      JsonNode b = res.json(back);
      if (!a.equals(b)) {
        problems.add(key + " differs in /config_dump:\n served: " + a + "\n dumped: " + b);
      }
      n++;
    }
    return n;
  }

  /**
   * For up to six accepted outbound HTTP listeners (HCM over RDS): a request from the redirected
   * client address to {@code <listener address or 10.99.0.1>:<port>} with the first domain of the route
   * configuration's first service virtual host as Host reaches the backend of the cluster its first route names.
   */
  private static List<String> checkRouting(NetworkNamespace ns, Served s, Map<String, String> rejected,
      List<String> problems, Path log) throws Exception {
    List<String> routed = new ArrayList<>();
    if (!s.listeners.containsKey("virtualOutbound") || rejected.containsKey("listener virtualOutbound")) {
      System.out.println("  no routing check: virtualOutbound is "
          + (s.listeners.containsKey("virtualOutbound") ? "rejected" : "absent"));
      return routed;
    }
    int checks = 0;
    for (Listener l : s.listeners.values()) {
      if (checks >= 6 || rejected.containsKey("listener " + l.getName()) || l.getName().startsWith("virtual")
          || !l.hasBindToPort() || l.getBindToPort().getValue()) {
        continue;
      }
      String ip = l.getAddress().getSocketAddress().getAddress();
      int port = l.getAddress().getSocketAddress().getPortValue();
      String target = ip.equals("0.0.0.0") ? "10.99.0.1" : ip;
      String host = null;
      String cluster = null;
      for (FilterChain fc : l.getFilterChainsList()) {
        if (fc.getFilterChainMatch().getPrefixRangesCount() > 0 || fc.getFilterChainMatch()
            .getServerNamesCount() > 0 || fc.getFilterChainMatch().getTransportProtocol().equals("tls")) {
          continue;
        }
        for (Filter f : fc.getFiltersList()) {
          if (f.getTypedConfig().is(HttpConnectionManager.class)) {
            HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
            RouteConfiguration rc = s.routes.get(hcm.getRds().getRouteConfigName());
            if (rc == null || rejected.containsKey("route " + rc.getName())) {
              continue;
            }
            for (VirtualHost vh : rc.getVirtualHostsList()) {
              if (vh.getDomainsList().contains("*") || vh.getRoutesCount() == 0) {
                continue;
              }
              Route r = vh.getRoutes(0);
              if (r.hasRoute() && !r.getRoute().getCluster().isEmpty() && r.getMatch().getPrefix().equals("/")
                  && r.getMatch().getHeadersCount() == 0 && r.getMatch().getQueryParametersCount() == 0
                  && s.backendOfCluster.containsKey(r.getRoute().getCluster())
                  && http1Upstream(s.clusters.get(r.getRoute().getCluster()))
                  && !rejected.containsKey("cluster " + r.getRoute().getCluster())) {
                host = vh.getDomains(0);
                cluster = r.getRoute().getCluster();
                break;
              }
            }
          }
          if (cluster != null) {
            break;
          }
        }
        if (cluster != null) {
          break;
        }
      }
      if (cluster == null) {
        continue;
      }
      checks++;
      List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "20", "--interface",
          "10.77.0.100", "-H", "Host: " + host));
      cmd.add("http://" + target + ":" + port + "/dump-route");
      NetworkNamespace.Result r = ns.exec(cmd.toArray(String[]::new));
      String expected = "cluster=" + cluster + " path=/dump-route";
      if (r.exit() != 0 || !r.output().equals(expected)) {
        problems.add(l.getName() + " (" + target + ":" + port + ", Host " + host + "): expected '" + expected
            + "', got exit " + r.exit() + ": " + r.output());
      } else {
        routed.add(target + ":" + port + " → " + cluster);
      }
    }
    if (!problems.isEmpty()) {
      problems.add("javoy log tail:\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
    }
    return routed;
  }

  /**
   * The test backends speak plain HTTP/1.1: clusters istiod set to HTTP/2 upstream (gRPC ports) or to TLS (not
   * through {@code transport_socket_matches}, whose Istio match the rewritten endpoints no longer carry) are not
   * checked.
   */
  private static boolean http1Upstream(Cluster c) {
    if (c.hasTransportSocket() && !c.getTransportSocket().getName().contains("raw_buffer")) {
      return false; // TLS to the upstream (e.g. istiod's ports): the backends are plain text
    }
    Any options = c.getTypedExtensionProtocolOptionsMap().get(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    if (c.hasHttp2ProtocolOptions()) {
      return false;
    }
    if (options == null) {
      return true;
    }
    try {
      HttpProtocolOptions o = options.unpack(HttpProtocolOptions.class);
      return !(o.hasExplicitHttpConfig() && o.getExplicitHttpConfig().hasHttp2ProtocolOptions());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }
}
