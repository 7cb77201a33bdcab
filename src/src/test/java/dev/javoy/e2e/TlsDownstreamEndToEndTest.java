package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.javoy.proxy.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downstream TLS with real clients ({@code openssl s_client}, curl): the certificate chosen by SNI among two,
 * ALPN h2 served as HTTP/2 by {@code codec_type: AUTO}, mTLS that refuses clients without a (matching)
 * certificate and logs the client's SPIFFE id, and {@code tls_params} (TLS 1.1 refused, a TLS 1.2 maximum
 * refusing TLS 1.3).
 */
class TlsDownstreamEndToEndTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int tlsPort;
  static int mtlsPort;
  static int tls12Port;
  static int noResumePort;

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("a", "a.example.com", "DNS:a.example.com");
    pki.issue("b", "wildcard.b.example.com", "DNS:*.b.example.com");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client");
    pki.issue("stranger", "stranger", "URI:spiffe://other.domain/ns/default/sa/stranger");
    backend = TestBackends.http("backend");
    int admin = JavoyProcess.freePort();
    tlsPort = JavoyProcess.freePort();
    mtlsPort = JavoyProcess.freePort();
    tls12Port = JavoyProcess.freePort();
    noResumePort = JavoyProcess.freePort();
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("TLS", Integer.toString(tlsPort));
    vars.put("MTLS", Integer.toString(mtlsPort));
    vars.put("TLS12", Integer.toString(tls12Port));
    vars.put("NORESUME", Integer.toString(noResumePort));
    vars.put("BACKEND", Integer.toString(backend.getAddress().getPort()));
    vars.put("DIR", dir.toString());
    vars.put("B_CRT", yamlEscaped(pki.cert("b")));
    vars.put("B_KEY", yamlEscaped(pki.key("b")));
    Path config = ConfigTemplate.render("/e2e/tls-downstream.yaml", vars, dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info",
        "--file-flush-interval-msec", "50");
  }

  static String yamlEscaped(Path pem) throws Exception {
    return Files.readString(pem).replace("\n", "\\n");
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

  private static String[] https(String host, int port, String path, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--cacert", pki.caCert().toString(), "--resolve",
        host + ":" + port + ":127.0.0.1"));
    args.addAll(List.of(more));
    args.add("https://" + host + ":" + port + path);
    return args.toArray(new String[0]);
  }

  @Test
  void sniSelectsTheCertificateWithWildcardAndFallsBackToTheFirst() throws Exception {
    TestPki.Result a = TestPki.sClient(tlsPort, "-servername", "a.example.com");
    assertTrue(a.handshakeCompleted(), a.output());
    assertTrue(a.subject().endsWith("CN = a.example.com"), a.subject());
    TestPki.Result b = TestPki.sClient(tlsPort, "-servername", "x.b.example.com");
    assertTrue(b.handshakeCompleted(), b.output());
    assertTrue(b.subject().endsWith("CN = wildcard.b.example.com"), b.subject());
    TestPki.Result none = TestPki.sClient(tlsPort, "-noservername");
    assertTrue(none.handshakeCompleted(), none.output());
    assertTrue(none.subject().endsWith("CN = a.example.com"), none.subject());
    TestPki.Result unknown = TestPki.sClient(tlsPort, "-servername", "c.example.org");
    assertTrue(unknown.subject().endsWith("CN = a.example.com"), unknown.subject());
  }

  @Test
  void alpnH2IsServedAsHttp2AndHttp11StaysHttp11() throws Exception {
    TestPki.Result alpn = TestPki.sClient(tlsPort, "-servername", "a.example.com", "-alpn", "h2,http/1.1");
    assertTrue(alpn.output().contains("ALPN protocol: h2"), alpn.output());
    Curl.Result h2 = Curl.run(https("a.example.com", tlsPort, "/h2", "--http2"));
    assertEquals(200, h2.status(), h2.toString());
    assertTrue(h2.headers().startsWith("HTTP/2 200"), h2.headers());
    assertEquals("backend GET /h2 host=a.example.com:" + tlsPort, h2.body());
    Curl.Result h1 = Curl.run(https("x.b.example.com", tlsPort, "/h1", "--http1.1"));
    assertTrue(h1.headers().startsWith("HTTP/1.1 200"), h1.headers());
    String log = awaitLog("tls.log", "/h1 ");
    assertTrue(log.matches("(?s).*/h2 200 HTTP/2 sni=a\\.example\\.com TLSv1\\.3 TLS_AES_\\S+ local=a\\.example\\.com peer=- "
        + "xfp=https.*"), log);
    assertTrue(log.contains("/h1 200 HTTP/1.1 sni=x.b.example.com TLSv1.3"), log);
    assertTrue(log.contains("local=*.b.example.com"), log);
    String ssl = "listener.127.0.0.1_" + tlsPort + ".ssl.";
    assertTrue(ConfigTemplate.awaitStat(javoy, ssl + "handshake", 2) >= 2);
    assertTrue(ConfigTemplate.awaitStat(javoy, ssl + "versions.TLSv1.3", 2) >= 2);
    assertTrue(ConfigTemplate.awaitStat(javoy, ssl + "curves.X25519", 2) >= 2);
  }

  @Test
  void mtlsRefusesClientsWithoutCertificateOrWithUnmatchedSanAndLogsSpiffeId() throws Exception {
    assertThrows(IllegalStateException.class, () -> Curl.run(https("a.example.com", mtlsPort, "/nocert")));
    assertThrows(IllegalStateException.class, () -> Curl.run(https("a.example.com", mtlsPort, "/stranger",
        "--cert", pki.cert("stranger").toString(), "--key", pki.key("stranger").toString())));
    Curl.Result ok = Curl.run(https("a.example.com", mtlsPort, "/withcert",
        "--cert", pki.cert("client").toString(), "--key", pki.key("client").toString()));
    assertEquals(200, ok.status(), ok.toString());
    String log = awaitLog("mtls.log", "200 ");
    assertTrue(log.startsWith("200 peer=spiffe://cluster.local/ns/default/sa/client subject=CN=client,O=javoy tests "
        + "sha256="), log);
    String fingerprint = TestPki.openssl("x509", "-in", pki.cert("client").toString(), "-noout", "-fingerprint",
        "-sha256").trim();
    String hex = fingerprint.substring(fingerprint.indexOf('=') + 1).replace(":", "").toLowerCase();
    assertTrue(log.contains("sha256=" + hex + " serial="), log + " vs " + hex);
    assertEquals(1, log.lines().count(), "only the client with a certificate reached the connection manager");
    String prefix = "listener.127.0.0.1_" + mtlsPort + ".ssl.";
    assertTrue(ConfigTemplate.awaitStat(javoy, prefix + "fail_verify_san", 1) >= 1);
    assertTrue(ConfigTemplate.awaitStat(javoy, prefix + "connection_error", 2) >= 2);
  }

  @Test
  void tlsParamsRefuseTls11AndTls13AboveTheMaximum() throws Exception {
    TestPki.Result tls11 = TestPki.sClient(tlsPort, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
    assertFalse(tls11.handshakeCompleted(), tls11.output());
    TestPki.Result tls13 = TestPki.sClient(tls12Port, "-tls1_3");
    assertFalse(tls13.handshakeCompleted(), tls13.output());
    TestPki.Result tls12 = TestPki.sClient(tls12Port, "-tls1_2");
    assertTrue(tls12.handshakeCompleted(), tls12.output());
    assertTrue(tls12.output().contains("Protocol  : TLSv1.2"), tls12.output());
    assertTrue(tls12.output().contains("ECDHE-ECDSA-AES256-GCM-SHA384"), tls12.output());
    TestPki.Result defaultMax = TestPki.sClient(tlsPort, "-tls1_3");
    assertTrue(defaultMax.handshakeCompleted(), defaultMax.output());
  }

  @Test
  void manyConcurrentHandshakesAndStreamsOverTls() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/h2load")), "h2load not installed (apt-get install nghttp2-client)");
    String h2 = Http2EndToEndTest.run("h2load", "-n", "600", "-c", "30", "-m", "10",
        "https://127.0.0.1:" + tlsPort + "/load");
    assertTrue(h2.contains("600 succeeded"), h2);
    assertTrue(h2.contains("Application protocol: h2"), h2);
    String h1 = Http2EndToEndTest.run("h2load", "--h1", "-n", "300", "-c", "30", "https://127.0.0.1:" + tlsPort + "/load1");
    assertTrue(h1.contains("300 succeeded"), h1);
  }

  @Test
  void tls12SessionsResume() throws Exception {
    Path session = dir.resolve("tls12.session");
    TestPki.Result first = TestPki.sClient(tls12Port, "-tls1_2", "-sess_out", session.toString());
    assertTrue(first.handshakeCompleted(), first.output());
    assertTrue(first.output().contains("TLS session ticket:"), first.output());
    TestPki.Result again = TestPki.sClient(tls12Port, "-tls1_2", "-sess_in", session.toString());
    assertTrue(again.output().contains("Reused, TLSv1.2"), again.output());

    Path none = dir.resolve("noresume.session");
    TestPki.Result noTicket = TestPki.sClient(noResumePort, "-tls1_2", "-sess_out", none.toString());
    assertTrue(noTicket.handshakeCompleted(), noTicket.output());
    assertFalse(noTicket.output().contains("TLS session ticket:"), noTicket.output());
    if (Files.exists(none)) { // s_client keeps no session that cannot be resumed
      TestPki.Result notReused = TestPki.sClient(noResumePort, "-tls1_2", "-sess_in", none.toString());
      assertTrue(notReused.output().contains("New, TLSv1.2"), notReused.output());
    }
  }

  private static String awaitLog(String name, String needle) throws Exception {
    return AccessLogFile.await(dir.resolve(name), needle, 10_000);
  }
}
