package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * javoy as a separate process with a bootstrap, real backends (HTTP and TCP echo) and curl: routing by host
 * and path, Envoy's local replies and response flags (NR, UH, UF, UT), tcp_proxy, access log, and the admin
 * API parsed as clients parse it.
 */
class ProxyEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backendA;
  static HttpServer backendB;
  static ServerSocket echo;
  static JavoyProcess javoy;
  static int httpPort;
  static int tcpPort;
  static Path accessLog;

  @BeforeAll
  static void start() throws Exception {
    backendA = TestBackends.http("A");
    backendB = TestBackends.http("B");
    echo = TestBackends.echo();
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    tcpPort = JavoyProcess.freePort();
    accessLog = dir.resolve("access.log");
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("HTTP", Integer.toString(httpPort));
    vars.put("TCP", Integer.toString(tcpPort));
    vars.put("BACKEND_A", Integer.toString(backendA.getAddress().getPort()));
    vars.put("BACKEND_B", Integer.toString(backendB.getAddress().getPort()));
    vars.put("CLOSED", Integer.toString(JavoyProcess.freePort()));
    vars.put("ECHO", Integer.toString(echo.getLocalPort()));
    vars.put("ACCESS_LOG", accessLog.toString());
    Path config = ConfigTemplate.render("/e2e/routing.yaml", vars, dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info",
        "--file-flush-interval-msec", "50");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backendA.stop(0);
    backendB.stop(0);
    echo.close();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  @Test
  void routesByPathToStaticCluster() throws Exception {
    Curl.Result r = Curl.run(url("/a/hello?x=1"));
    assertEquals(200, r.status(), r.toString());
    assertEquals("A GET /a/hello?x=1 host=127.0.0.1:" + httpPort, r.body());
    assertEquals("envoy", r.header("server"));
    assertNotNull(r.header("x-envoy-upstream-service-time"));
    assertNotNull(r.header("date"));
  }

  @Test
  void routesByHostToDnsCluster() throws Exception {
    assertTrue(Curl.run("-H", "Host: api.example.com", url("/x")).body().startsWith("B GET /x"));
    assertTrue(Curl.run("-H", "Host: v1.api.example.com", url("/y")).body().startsWith("B GET /y"));
  }

  @Test
  void streamsRequestBodiesBothEncodings() throws Exception {
    Curl.Result fixed = Curl.run("-d", "payload-1", url("/a/post"));
    assertEquals("A POST /a/post host=127.0.0.1:" + httpPort + " body=payload-1", fixed.body());
    Curl.Result chunked = Curl.run("-H", "Transfer-Encoding: chunked", "-d", "payload-2", url("/a/post"));
    assertTrue(chunked.body().endsWith("body=payload-2"), chunked.body());
  }

  @Test
  void keepAliveReusesDownstreamAndUpstreamConnections() throws Exception {
    Curl.run(url("/a/warm"));
    long cx = stat("http.ingress.downstream_cx_total");
    long rq = stat("http.ingress.downstream_rq_total");
    long upstreamCx = stat("cluster.backend_a.upstream_cx_total");
    Curl.Result r = Curl.run(url("/a/1"), url("/a/2"), url("/a/3"));
    assertTrue(r.body().contains("A GET /a/3"), r.body());
    assertEquals(cx + 1, stat("http.ingress.downstream_cx_total"), "one downstream connection for 3 requests");
    assertEquals(rq + 3, stat("http.ingress.downstream_rq_total"));
    assertTrue(stat("cluster.backend_a.upstream_cx_total") - upstreamCx <= 1, "upstream connections are pooled");
  }

  private static long stat(String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + name).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    throw new AssertionError("no stat " + name);
  }

  @Test
  void noRouteIs404() throws Exception {
    Curl.Result r = Curl.run(url("/missing"));
    assertEquals(404, r.status());
    assertAccessLogged("404 NR /missing");
  }

  @Test
  void noHealthyUpstreamIs503Uh() throws Exception {
    Curl.Result r = Curl.run(url("/nohost"));
    assertEquals(503, r.status());
    assertEquals("no healthy upstream", r.body());
    assertAccessLogged("503 UH /nohost empty");
  }

  @Test
  void connectFailureIs503Uf() throws Exception {
    Curl.Result r = Curl.run(url("/refused"));
    assertEquals(503, r.status());
    assertTrue(r.body().startsWith("upstream connect error or disconnect/reset before headers"), r.body());
    assertAccessLogged("503 UF /refused refused");
  }

  @Test
  void routeTimeoutIs504Ut() throws Exception {
    long start = System.nanoTime();
    Curl.Result r = Curl.run(url("/slow"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(504, r.status());
    assertEquals("upstream request timeout", r.body());
    assertTrue(ms < 2500, "timed out after " + ms + " ms");
    assertAccessLogged("504 UT /slow backend_a");
  }

  @Test
  void directResponse() throws Exception {
    Curl.Result r = Curl.run(url("/direct"));
    assertEquals(200, r.status());
    assertEquals("direct", r.body());
  }

  @Test
  void tcpProxyRoundTrip() throws Exception {
    try (Socket s = new Socket("127.0.0.1", tcpPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      byte[] msg = "hello through tcp_proxy".getBytes(StandardCharsets.UTF_8);
      out.write(msg);
      out.flush();
      s.shutdownOutput(); // half-close: the echo still comes back
      InputStream in = s.getInputStream();
      assertEquals("hello through tcp_proxy", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void adminConfigDumpParsesBack() throws Exception {
    String json = javoy.admin("/config_dump");
    ConfigDump.Builder b = ConfigDump.newBuilder();
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry()).merge(json, b);
    ConfigDump dump = b.build();
    ClustersConfigDump clusters = null;
    ListenersConfigDump listeners = null;
    for (var any : dump.getConfigsList()) {
      if (any.is(ClustersConfigDump.class)) {
        clusters = any.unpack(ClustersConfigDump.class);
      } else if (any.is(ListenersConfigDump.class)) {
        listeners = any.unpack(ListenersConfigDump.class);
      }
    }
    assertNotNull(clusters);
    assertEquals(5, clusters.getStaticClustersCount());
    assertNotNull(listeners);
    assertEquals(2, listeners.getStaticListenersCount());
  }

  @Test
  void adminServerInfoAndReadiness() throws Exception {
    ServerInfo.Builder b = ServerInfo.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(javoy.admin("/server_info"), b);
    assertEquals(ServerInfo.State.LIVE, b.getState());
    String stats = javoy.admin("/stats");
    assertTrue(stats.contains("server.state: 0"), stats);
    assertTrue(stats.contains("listener_manager.workers_started: 1"));
    assertTrue(stats.contains("listener.127.0.0.1_" + httpPort + ".downstream_cx_active:"));
  }

  @Test
  void prometheusCountsUpstreamRequests() throws Exception {
    Curl.run(url("/a/prom"));
    Map<String, Double> metrics = parsePrometheus(javoy.admin("/stats/prometheus"));
    Double total = metrics.get("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend_a\"}");
    assertNotNull(total, "metric missing");
    assertTrue(total >= 1);
  }

  @Test
  void adminClustersTextListsHosts() throws Exception {
    String clusters = javoy.admin("/clusters");
    assertTrue(clusters.contains("backend_a::127.0.0.1:" + backendA.getAddress().getPort() + "::cx_active::"),
        clusters);
    assertTrue(javoy.admin("/listeners?format=json").contains("\"name\": \"http\""));
  }

  /** Parses Prometheus text exposition: {@code name{labels} value} lines, comments skipped. */
  static Map<String, Double> parsePrometheus(String text) {
    Map<String, Double> out = new HashMap<>();
    Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");
    for (String l : text.split("\n")) {
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      Matcher m = line.matcher(l);
      assertTrue(m.matches(), "not Prometheus text: " + l);
      out.put(m.group(1), Double.parseDouble(m.group(3)));
    }
    return out;
  }

  private static void assertAccessLogged(String expected) throws Exception {
    String content = AccessLogFile.await(accessLog, expected, 5_000);
    if (!content.contains(expected)) {
      throw new AssertionError("access log lacks '" + expected + "':\n" + content);
    }
  }
}
