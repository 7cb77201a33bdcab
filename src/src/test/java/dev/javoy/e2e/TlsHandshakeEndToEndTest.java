package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.tls.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downstream handshake life cycle: a filter chain's {@code transport_socket_connect_timeout} closes a connection
 * that never completes its handshake ({@code downstream_cx_transport_socket_connect_timeout}), and a resumed TLS
 * session counts {@code ssl.session_reused}, with openssl s_client as the client.
 */
class TlsHandshakeEndToEndTest {
  @TempDir
  static Path dir;
  static JavoyProcess javoy;
  static int port;
  static TestPki pki;

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("server", "server.example.com", "DNS:server.example.com");
    int admin = JavoyProcess.freePort();
    port = JavoyProcess.freePort();
    Path config = dir.resolve("javoy.yaml");
    Files.writeString(config, TlsListenerBootstrap.okListener(admin, port, pki.cert("server"), pki.key("server"),
        "transport_socket_connect_timeout: 1s", ""));
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
  }

  private static long stat(String name) throws Exception {
    for (String line : javoy.admin("/stats").split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return 0;
  }

  @Test
  void aConnectionThatNeverHandshakesIsClosedAfterTheTransportSocketConnectTimeout() throws Exception {
    long before = stat("listener.127.0.0.1_" + port + ".downstream_cx_transport_socket_connect_timeout");
    long start = System.nanoTime();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (IOException reset) {
        read = -1;
      }
      assertEquals(-1, read);
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis >= 900 && tookMillis < 20_000, "closed after " + tookMillis + " ms");
    assertEquals(before + 1, stat("listener.127.0.0.1_" + port + ".downstream_cx_transport_socket_connect_timeout"));
    // a prompt client is not affected
    assertTrue(TestPki.sClient(port, "-servername", "server.example.com").handshakeCompleted());
  }

  @Test
  void adminCertsListsTheCertificateInUseAsEnvoyDoes() throws Exception {
    java.security.cert.X509Certificate cert;
    try (InputStream in = Files.newInputStream(pki.cert("server"))) {
      cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
    }
    String hex = cert.getSerialNumber().toString(16);
    String serial = hex.length() % 2 == 0 ? hex : "0" + hex;
    var certs = com.google.gson.JsonParser.parseString(javoy.admin("/certs")).getAsJsonObject()
        .getAsJsonArray("certificates");
    assertEquals(1, certs.size(), certs.toString());
    var chain = certs.get(0).getAsJsonObject().getAsJsonArray("cert_chain");
    assertEquals(1, chain.size(), certs.toString());
    var details = chain.get(0).getAsJsonObject();
    assertEquals(pki.cert("server").toString(), details.get("path").getAsString());
    assertEquals(serial, details.get("serial_number").getAsString());
    assertEquals("server.example.com", details.getAsJsonArray("subject_alt_names").get(0).getAsJsonObject()
        .get("dns").getAsString());
    long days = details.get("days_until_expiration").getAsLong();
    assertTrue(days >= 29 && days <= 30, details.toString());
    assertTrue(details.has("valid_from") && details.has("expiration_time"), details.toString());
    assertTrue(!certs.get(0).getAsJsonObject().has("ca_cert")
        || certs.get(0).getAsJsonObject().getAsJsonArray("ca_cert").isEmpty(), "no validation context, no CA");
  }

  @Test
  void aResumedSessionCountsSessionReused() throws Exception {
    Path session = dir.resolve("tls12.session");
    TestPki.Result first = TestPki.sClient(port, "-tls1_2", "-sess_out", session.toString());
    assertTrue(first.handshakeCompleted(), first.output());
    long before = stat("listener.127.0.0.1_" + port + ".ssl.session_reused");
    TestPki.Result again = TestPki.sClient(port, "-tls1_2", "-sess_in", session.toString());
    assertTrue(again.output().contains("Reused, TLSv1.2"), again.output());
    assertEquals(before + 1, stat("listener.127.0.0.1_" + port + ".ssl.session_reused"));
  }
}
