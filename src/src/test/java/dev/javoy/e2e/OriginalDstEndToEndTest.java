package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's sidecar outbound path under real iptables: in a network namespace, traffic a client sends from
 * 10.77.0.100 is redirected ({@code iptables -t nat -A OUTPUT -s 10.77.0.100 -j REDIRECT --to-ports 15001}) to
 * javoy's virtualOutbound listener, which restores the original destination (original_dst listener filter,
 * SO_ORIGINAL_DST) and hands the connection to the listener of that address ({@code use_original_dst}):
 * an exact {@code bind_to_port: false} listener, a wildcard {@code 0.0.0.0:<port>} one, or, with none, its own
 * pass-through chain to the ORIGINAL_DST cluster. javoy's own upstream connections leave from the backends'
 * addresses, so the rule does not catch them. Skipped, saying why, where namespaces or iptables are missing.
 */
class OriginalDstEndToEndTest {
  private static final String BACKEND = String.join("\n",
      "import http.server, socket, sys",
      "name, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])",
      "class S(http.server.ThreadingHTTPServer):",
      "    address_family = socket.AF_INET6 if ':' in host else socket.AF_INET",
      "class H(http.server.BaseHTTPRequestHandler):",
      "    protocol_version = 'HTTP/1.1'",
      "    def do_GET(self):",
      "        b = (name + ' ' + self.path).encode()",
      "        self.send_response(200)",
      "        self.send_header('Content-Length', str(len(b)))",
      "        self.end_headers()",
      "        self.wfile.write(b)",
      "    def log_message(self, *a):",
      "        pass",
      "S((host, port), H).serve_forever()",
      "");

  @TempDir
  static Path dir;
  static NetworkNamespace ns;
  static final List<Process> processes = new ArrayList<>();
  static Path accessLog;
  static boolean ipv6;
  static Path lds;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces and iptables");
    assumeTrue(NetworkNamespace.run("iptables", "--version").exit() == 0,
        "iptables is not installed (apt-get install -y iptables)");
    assumeTrue(NetworkNamespace.run("python3", "--version").exit() == 0, "python3 is needed for the backends");
    String[] why = new String[1];
    ns = NetworkNamespace.create("javoy-odst", why);
    assumeTrue(ns != null, why[0]);
    for (String ip : List.of("10.77.0.1", "10.77.0.2", "10.77.0.3", "10.77.0.100", "10.77.0.101")) {
      NetworkNamespace.Result r = ns.exec("ip", "addr", "add", ip + "/32", "dev", "lo");
      assumeTrue(r.exit() == 0, "cannot add " + ip + " in the namespace: " + r.output());
    }
    NetworkNamespace.Result rule = ns.exec("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-s", "10.77.0.100",
        "-j", "REDIRECT", "--to-ports", "15001");
    assumeTrue(rule.exit() == 0, "iptables REDIRECT is not available here: " + rule.output().trim());
    NetworkNamespace.Result inbound = ns.exec("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-s",
        "10.77.0.101", "-j", "REDIRECT", "--to-ports", "15006");
    assertEquals(0, inbound.exit(), inbound.output());
    ipv6 = ns.exec("ip", "-6", "addr", "add", "fd00::1/128", "dev", "lo").exit() == 0
        && ns.exec("ip", "-6", "addr", "add", "fd00::100/128", "dev", "lo").exit() == 0
        && ns.exec("ip6tables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-s", "fd00::100", "-j", "REDIRECT",
            "--to-ports", "15011").exit() == 0;
    Path script = dir.resolve("backend.py");
    Files.writeString(script, BACKEND);
    processes.add(ns.start(dir.resolve("a.log"), "python3", script.toString(), "A", "10.77.0.1", "8080"));
    processes.add(ns.start(dir.resolve("b.log"), "python3", script.toString(), "B", "10.77.0.2", "9090"));
    processes.add(ns.start(dir.resolve("c.log"), "python3", script.toString(), "C", "10.77.0.3", "7070"));
    processes.add(ns.start(dir.resolve("f.log"), "python3", script.toString(), "F", "10.77.0.2", "9191"));
    if (ipv6) {
      processes.add(ns.start(dir.resolve("d.log"), "python3", script.toString(), "D", "fd00::1", "8080"));
      processes.add(ns.start(dir.resolve("e.log"), "python3", script.toString(), "E", "fd00::1", "9090"));
    }
    accessLog = dir.resolve("access.log");
    lds = dir.resolve("lds.yaml");
    Files.writeString(lds, "resources: []\n");
    Path config = ConfigTemplate.render("/e2e/original_dst.yaml", Map.of("ACCESS_LOG", accessLog.toString(),
        "LDS", lds.toString()), dir);
    processes.add(ns.start(dir.resolve("javoy.log"), JavoyProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main", "-c",
        config.toString(), "--concurrency", "2", "-l", "info", "--file-flush-interval-msec", "100"));
    awaitReady();
    for (String backend : List.of("10.77.0.1:8080", "10.77.0.2:9090", "10.77.0.3:7070", "10.77.0.2:9191")) {
      awaitHttp("http://" + backend + "/");
    }
    if (ipv6) {
      awaitHttp("http://[fd00::1]:8080/");
      awaitHttp("http://[fd00::1]:9090/");
    }
  }

  @AfterAll
  static void stop() throws Exception {
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
  }

  private static void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      NetworkNamespace.Result r = ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
          "http://127.0.0.1:15000/ready");
      if (r.output().trim().equals("200")) {
        return;
      }
      if (!processes.get(processes.size() - 1).isAlive()) {
        throw new IllegalStateException("javoy exited:\n" + Files.readString(dir.resolve("javoy.log")));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("javoy not ready:\n" + Files.readString(dir.resolve("javoy.log")));
  }

  /** Waits until a backend answers a direct request (from an address the rule does not redirect). */
  private static void awaitHttp(String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (ns.exec("curl", "-s", "-o", "/dev/null", "--max-time", "2", url).exit() == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("backend " + url + " does not answer");
  }

  /** curl from the client address redirected to virtualOutbound; returns the response headers and body. */
  private static Curl.Result redirectedCurl(String... args) throws Exception {
    return curlFrom("10.77.0.100", args);
  }

  private static Curl.Result curlFrom(String source, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "-D", "-", "--max-time", "20", "--interface",
        source));
    cmd.addAll(List.of(args));
    NetworkNamespace.Result r = ns.exec(cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), "curl failed: " + r.output() + "\njavoy log:\n" + javoyLog());
    String all = r.output();
    int split = all.indexOf("\r\n\r\n");
    String headers = all.substring(0, split);
    return new Curl.Result(Integer.parseInt(headers.split(" ")[1]), headers, all.substring(split + 4));
  }

  private static String javoyLog() throws Exception {
    return Files.readString(dir.resolve("javoy.log"));
  }

  private static long stat(String name) throws Exception {
    String out = ns.exec("curl", "-s", "http://127.0.0.1:15000/stats?filter=" + name).output();
    for (String line : out.split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return 0;
  }

  private static String awaitLogLine(String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.exists(accessLog)) {
        for (String line : Files.readAllLines(accessLog)) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no access log line starting with '" + prefix + "' in:\n"
        + (Files.exists(accessLog) ? Files.readString(accessLog) : "(no log)"));
  }

  @Test
  void redirectedConnectionIsHandedToTheListenerOfItsOriginalDestination() throws Exception {
    Curl.Result r = redirectedCurl("http://10.77.0.1:8080/svc");
    assertEquals(200, r.status());
    assertEquals("A /svc", r.body());
    assertEquals("10.77.0.1_8080", r.header("x-javoy-listener"));
    assertEquals("svc_a 10.77.0.1:8080 10.77.0.1:8080 svc_a", awaitLogLine("svc_a "));
    assertTrue(stat("listener.10.77.0.1_8080.downstream_cx_total") >= 1);
  }

  @Test
  void noListenerForTheDestinationPassesThroughToTheOriginalDestination() throws Exception {
    Curl.Result r = redirectedCurl("http://10.77.0.2:9090/through");
    assertEquals(200, r.status());
    assertEquals("B /through", r.body());
    assertNull(r.header("x-javoy-listener"), "no HTTP listener was involved");
    assertEquals("passthrough 10.77.0.2:9090 10.77.0.2:9090 PassthroughCluster",
        awaitLogLine("passthrough 10.77.0.2:9090 "));
    assertTrue(stat("listener.0.0.0.0_15001.downstream_cx_total") >= 1);
    assertTrue(stat("cluster.PassthroughCluster.upstream_cx_total") >= 1);
  }

  @Test
  void wildcardPortListenerRoutesToTheOriginalDestinationCluster() throws Exception {
    Curl.Result r = redirectedCurl("http://10.77.0.3:7070/wild");
    assertEquals(200, r.status());
    assertEquals("C /wild", r.body());
    assertEquals("0.0.0.0_7070", r.header("x-javoy-listener"));
    assertEquals("wildcard_7070 10.77.0.3:7070 10.77.0.3:7070 PassthroughCluster", awaitLogLine("wildcard_7070 "));
  }

  @Test
  void originalDestinationHeaderOverridesTheConnectionsDestination() throws Exception {
    Curl.Result r = redirectedCurl("-H", "x-envoy-original-dst-host: 10.77.0.2:9090", "http://10.77.0.3:7070/header");
    assertEquals(200, r.status());
    assertEquals("B /header", r.body());
  }

  @Test
  void virtualInboundChoosesChainsByRestoredDestinationPortAndProtocol() throws Exception {
    Curl.Result http = curlFrom("10.77.0.101", "http://10.77.0.1:8080/in");
    assertEquals(200, http.status());
    assertEquals("A /in", http.body());
    assertEquals("virtualInbound 0.0.0.0_8080", http.header("x-javoy-listener"));
    assertEquals("inbound_http 10.77.0.1:8080 10.77.0.1:8080 InboundPassthroughCluster",
        awaitLogLine("inbound_http "));
    Curl.Result other = curlFrom("10.77.0.101", "http://10.77.0.2:9090/in-tcp");
    assertEquals(200, other.status());
    assertEquals("B /in-tcp", other.body());
    assertNull(other.header("x-javoy-listener"), "port 9090 has no HTTP chain: the catch-all passes bytes through");
    String tcpLine = awaitLogLine("inbound_tcp ");
    assertTrue(tcpLine.startsWith("inbound_tcp 10.77.0.2:9090 10.77.0.2:9090 InboundPassthroughCluster from 127.0.0.6:"),
        "upstream_bind_config source_address 127.0.0.6 (Istio's inbound passthrough): " + tcpLine);
    assertTrue(stat("http_inspector.http11_found") >= 2);
    assertTrue(stat("listener.0.0.0.0_15006.downstream_cx_total") >= 2);
  }

  @Test
  void ipv6OriginalDestinationIsRestoredAndHandedOff() throws Exception {
    assumeTrue(ipv6, "no IPv6 addresses or ip6tables nat table in the namespace");
    Curl.Result r = curlFrom("fd00::100", "-g", "http://[fd00::1]:8080/v6");
    assertEquals(200, r.status());
    assertEquals("D /v6", r.body());
    assertEquals("[fd00::1]:8080", r.header("x-javoy-listener"));
    Curl.Result through = curlFrom("fd00::100", "-g", "http://[fd00::1]:9090/v6-through");
    assertEquals("E /v6-through", through.body());
    assertNull(through.header("x-javoy-listener"));
    assertEquals("passthrough6 [fd00::1]:9090 [fd00::1]:9090 PassthroughCluster", awaitLogLine("passthrough6 "));
  }

  @Test
  void listenersAddedAndRemovedOverLdsTakeHandOffs() throws Exception {
    Curl.Result before = redirectedCurl("http://10.77.0.2:9191/before");
    assertEquals("F /before", before.body());
    assertNull(before.header("x-javoy-listener"));
    writeLds("""
        resources:
        - "@type": type.googleapis.com/envoy.config.listener.v3.Listener
          name: 10.77.0.2_9191
          address: {socket_address: {address: 10.77.0.2, port_value: 9191}}
          bind_to_port: false
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: lds_9191
                http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]
                route_config:
                  response_headers_to_add: [{header: {key: x-javoy-listener, value: lds}}]
                  virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: PassthroughCluster}}]}]
        """);
    assertEquals("lds", awaitListenerHeader("http://10.77.0.2:9191/added", "lds"));
    writeLds("resources: []\n");
    assertNull(awaitListenerHeader("http://10.77.0.2:9191/removed", null));
  }

  private static void writeLds(String content) throws Exception {
    Path tmp = dir.resolve("lds.yaml.tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, lds, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Repeats a redirected request until its x-javoy-listener header is {@code expected} (or 20 s pass). */
  private static String awaitListenerHeader(String url, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String got;
    do {
      Curl.Result r = redirectedCurl(url);
      assertTrue(r.body().startsWith("F "), r.body());
      got = r.header("x-javoy-listener");
      if (java.util.Objects.equals(got, expected)) {
        return got;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return got;
  }

  @Test
  void freebindListenerBoundBeforeItsAddressExisted() throws Exception {
    NetworkNamespace.Result add = ns.exec("ip", "addr", "add", "10.77.0.200/32", "dev", "lo");
    assertEquals(0, add.exit(), add.output());
    Curl.Result r = curlFrom("10.77.0.1", "http://10.77.0.200:8081/");
    assertEquals(200, r.status());
    assertEquals("freebind", r.body());
  }

  @Test
  void idleOriginalDestinationHostsAreCleanedUp() throws Exception {
    redirectedCurl("http://10.77.0.3:7070/cleanup");
    assertTrue(stat("cluster.PassthroughCluster.membership_total") >= 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long hosts = stat("cluster.PassthroughCluster.membership_total");
    while (hosts > 0 && System.nanoTime() < deadline) {
      Thread.sleep(250);
      hosts = stat("cluster.PassthroughCluster.membership_total");
    }
    assertEquals(0, hosts, "hosts unused for two cleanup intervals (1 s) are removed");
  }
}
