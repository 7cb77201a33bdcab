package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.stream.StreamInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.TimeZone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS access log commands on a stream whose downstream and upstream connections are TLS. */
class TlsAccessLogCommandsTest {
  @TempDir
  static Path dir;
  static X509Certificate server;
  static X509Certificate client;
  static X509Certificate ca;

  @BeforeAll
  static void setUp() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "URI:spiffe://cluster.local/ns/default/sa/server", "DNS:server.example.com");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client", "DNS:a.example.com",
        "DNS:b.example.com");
    server = PemMaterial.certificates(Files.readAllBytes(pki.cert("server")))[0];
    client = PemMaterial.certificates(Files.readAllBytes(pki.cert("client")))[0];
    ca = PemMaterial.certificates(Files.readAllBytes(pki.caCert()))[0];
  }

  static String fmt(String format, StreamInfo info) throws Exception {
    return SubstitutionFormatStrings.text(format, "f").format(info, "");
  }

  @Test
  void downstreamAndUpstreamFacts() throws Exception {
    StreamInfo info = new StreamInfo();
    info.downstreamTls = new TlsConnectionInfo();
    info.downstreamTls.fill("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", new byte[] {(byte) 0xab, 1}, "h2",
        "server.example.com", new X509Certificate[] {server}, new X509Certificate[] {client, ca}, true);
    info.upstreamTls = new TlsConnectionInfo();
    info.upstreamTls.fill("TLSv1.3", "TLS_AES_256_GCM_SHA384", null, "", "", new X509Certificate[] {client},
        new X509Certificate[] {server}, true);
    assertEquals("spiffe://cluster.local/ns/default/sa/client a.example.com,b.example.com "
        + "spiffe://cluster.local/ns/default/sa/server server.example.com CN=client,O=javoy tests",
        fmt("%DOWNSTREAM_PEER_URI_SAN% %DOWNSTREAM_PEER_DNS_SAN% %DOWNSTREAM_LOCAL_URI_SAN% "
            + "%DOWNSTREAM_LOCAL_DNS_SAN% %DOWNSTREAM_PEER_SUBJECT%", info));
    assertEquals("TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 AB01 server.example.com",
        fmt("%DOWNSTREAM_TLS_VERSION% %DOWNSTREAM_TLS_CIPHER% %DOWNSTREAM_TLS_SESSION_ID% %REQUESTED_SERVER_NAME%", info));
    assertEquals(CertificateNames.sha256Hex(client) + " " + CertificateNames.serial(client) + " "
        + CertificateNames.sha256Hex(client) + "," + CertificateNames.sha256Hex(ca),
        fmt("%DOWNSTREAM_PEER_FINGERPRINT_256% %DOWNSTREAM_PEER_SERIAL% %DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256%", info));
    SimpleDateFormat day = new SimpleDateFormat("yyyy-MM-dd");
    day.setTimeZone(TimeZone.getTimeZone("UTC"));
    assertEquals(day.format(client.getNotAfter()), fmt("%DOWNSTREAM_PEER_CERT_V_END(%Y-%m-%d)%", info));
    assertEquals(CertificateNames.urlEncodedPem(java.util.List.of(client)), fmt("%DOWNSTREAM_PEER_CERT%", info));
    assertEquals("spiffe://cluster.local/ns/default/sa/server TLSv1.3 TLS_AES_256_GCM_SHA384 CN=server,O=javoy tests",
        fmt("%UPSTREAM_PEER_URI_SAN% %UPSTREAM_TLS_VERSION% %UPSTREAM_TLS_CIPHER% %UPSTREAM_PEER_SUBJECT%", info));
  }

  @Test
  void plaintextPrintsDashes() throws Exception {
    StreamInfo info = new StreamInfo();
    assertEquals("- - - - -", fmt("%DOWNSTREAM_PEER_URI_SAN% %DOWNSTREAM_TLS_VERSION% %DOWNSTREAM_PEER_CERT% "
        + "%DOWNSTREAM_PEER_CERT_V_START% %UPSTREAM_PEER_URI_SAN%", info));
    info.downstreamTls = new TlsConnectionInfo(); // TLS chain, handshake not complete yet
    assertEquals("-", fmt("%DOWNSTREAM_TLS_VERSION%", info));
  }
}
