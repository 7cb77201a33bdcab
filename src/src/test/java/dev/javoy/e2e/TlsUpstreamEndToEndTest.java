package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.javoy.proxy.tls.TestPki;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream TLS with SAN validation against a real TLS server (a javoy listener requiring client certificates):
 * the right SPIFFE SAN connects (HTTP/1.1, and HTTP/2 negotiated by ALPN), a wrong SAN or an unknown CA is a
 * connect failure, {@code 503 UF} with BoringSSL's reason in {@code %UPSTREAM_TRANSPORT_FAILURE_REASON%}.
 */
class TlsUpstreamEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int httpPort;
  static int tlsPort;
  static int tcpPort;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "URI:spiffe://cluster.local/ns/default/sa/server", "DNS:server.example.com");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client");
    new TestPki(dir, "other-ca");
    backend = TestBackends.http("backend");
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    tlsPort = JavoyProcess.freePort();
    tcpPort = JavoyProcess.freePort();
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("HTTP", Integer.toString(httpPort));
    vars.put("TLS", Integer.toString(tlsPort));
    vars.put("TCP", Integer.toString(tcpPort));
    vars.put("BACKEND", Integer.toString(backend.getAddress().getPort()));
    vars.put("DIR", dir.toString());
    Path config = ConfigTemplate.render("/e2e/tls-upstream.yaml", vars, dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info",
        "--file-flush-interval-msec", "50");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  @Test
  void matchingSpiffeSanConnectsOverHttp11AndHttp2() throws Exception {
    Curl.Result r = Curl.run(url("/good"));
    assertEquals(200, r.status(), r.toString());
    assertEquals("backend GET /good host=127.0.0.1:" + httpPort, r.body());
    Curl.Result h2 = Curl.run(url("/good-h2"));
    assertEquals(200, h2.status(), h2.toString());
    String server = awaitLog("server.log", "/good-h2");
    assertTrue(server.contains("/good HTTP/1.1 sni=server.example.com peer=spiffe://cluster.local/ns/default/sa/client"),
        server);
    assertTrue(server.contains("/good-h2 HTTP/2 sni=- peer=spiffe://cluster.local/ns/default/sa/client"), server);
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.good.ssl.handshake", 1) >= 1);
    String client = awaitLog("client.log", "/good-h2");
    assertTrue(client.contains("/good 200 - - upstream=spiffe://cluster.local/ns/default/sa/server TLSv1.3"), client);
  }

  @Test
  void wrongSanIs503UfWithTheTlsFailureReason() throws Exception {
    Curl.Result r = Curl.run(url("/wrong-san"));
    assertEquals(503, r.status(), r.toString());
    assertTrue(r.body().contains("CERTIFICATE_VERIFY_FAILED"), r.body());
    String log = awaitLog("client.log", "/wrong-san");
    assertTrue(log.contains("/wrong-san 503 UF TLS_error:|268435581:SSL_routines:OPENSSL_internal:"
        + "CERTIFICATE_VERIFY_FAILED:TLS_error_end"), log);
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.wrong_san.ssl.fail_verify_san", 1) >= 1);
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.wrong_san.upstream_cx_connect_fail", 1) >= 1);
  }

  @Test
  void wrongSanOnAnHttp2ClusterIs503UfAndReleasesItsConnectionSlots() throws Exception {
    for (int i = 0; i < 3; i++) {
      Curl.Result r = Curl.run(url("/wrong-san-h2/" + i));
      assertEquals(503, r.status(), r.toString());
    }
    String log = awaitLog("client.log", "/wrong-san-h2/2");
    assertTrue(log.contains("/wrong-san-h2/2 503 UF TLS_error:|268435581:SSL_routines:OPENSSL_internal:"
        + "CERTIFICATE_VERIFY_FAILED:TLS_error_end"), log);
    assertEquals(0, ConfigTemplate.stat(javoy, "cluster.wrong_san_h2.upstream_cx_active"));
    assertEquals(0, ConfigTemplate.stat(javoy, "cluster.wrong_san_h2.upstream_rq_pending_active"));
    assertTrue(ConfigTemplate.stat(javoy, "cluster.wrong_san_h2.upstream_cx_connect_fail") >= 3);
  }

  @Test
  void unknownCaIs503Uf() throws Exception {
    Curl.Result r = Curl.run(url("/unknown-ca"));
    assertEquals(503, r.status(), r.toString());
    String log = awaitLog("client.log", "/unknown-ca");
    assertTrue(log.contains("/unknown-ca 503 UF TLS_error:|268435581:SSL_routines:OPENSSL_internal:"
        + "CERTIFICATE_VERIFY_FAILED:TLS_error_end"), log);
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.unknown_ca.ssl.fail_verify_error", 1) >= 1);
  }

  @Test
  void tcpProxyToAWrongSanClosesTheConnectionWithUf() throws Exception {
    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), tcpPort)) {
      s.setSoTimeout(20_000);
      assertEquals(-1, s.getInputStream().read(), "the downstream connection is closed");
    }
    String log = awaitLog("tcp.log", "tcp ");
    assertTrue(log.contains("tcp UF,URX TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:"
        + "TLS_error_end") || log.contains("tcp UF TLS_error:|268435581"), log);
  }

  private static String awaitLog(String name, String needle) throws Exception {
    return AccessLogFile.await(dir.resolve(name), needle, 10_000);
  }
}
