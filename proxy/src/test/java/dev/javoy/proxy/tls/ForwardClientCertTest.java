package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code x-forwarded-client-cert} by {@code forward_client_cert_details}, as Envoy's mutateXfccRequestHeader. */
class ForwardClientCertTest {
  @TempDir
  static Path dir;
  static TlsConnectionInfo mtls;
  static TlsConnectionInfo tlsWithoutClientCert;
  static X509Certificate client;

  @BeforeAll
  static void setUp() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "URI:spiffe://cluster.local/ns/default/sa/server");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client", "DNS:client.example.com");
    X509Certificate server = PemMaterial.certificates(Files.readAllBytes(pki.cert("server")))[0];
    client = PemMaterial.certificates(Files.readAllBytes(pki.cert("client")))[0];
    mtls = new TlsConnectionInfo();
    mtls.fill("TLSv1.3", "TLS_AES_128_GCM_SHA256", new byte[] {1}, "h2", "", new X509Certificate[] {server},
        new X509Certificate[] {client}, true);
    tlsWithoutClientCert = new TlsConnectionInfo();
    tlsWithoutClientCert.fill("TLSv1.3", "TLS_AES_128_GCM_SHA256", null, "", "", new X509Certificate[] {server},
        null, false);
  }

  static ForwardClientCert policy(ForwardClientCertDetails mode, SetCurrentClientCertDetails details) throws Exception {
    return ForwardClientCert.from(HttpConnectionManager.newBuilder().setForwardClientCertDetails(mode)
        .setSetCurrentClientCertDetails(details).build(), "hcm");
  }

  static HttpHeaders incoming() {
    return new DefaultHttpHeaders().set(ForwardClientCert.HEADER, "By=spiffe://upstream;URI=spiffe://first");
  }

  @Test
  void sanitizeIsTheDefaultAndStripsOnPlaintextAndWithoutClientCertificate() throws Exception {
    HttpHeaders h = incoming();
    ForwardClientCert.DEFAULT.mutate(h, mtls);
    assertNull(h.get(ForwardClientCert.HEADER));
    ForwardClientCert append = policy(ForwardClientCertDetails.APPEND_FORWARD, SetCurrentClientCertDetails.getDefaultInstance());
    h = incoming();
    append.mutate(h, null);
    assertNull(h.get(ForwardClientCert.HEADER), "not mutual TLS: removed");
    h = incoming();
    append.mutate(h, tlsWithoutClientCert);
    assertNull(h.get(ForwardClientCert.HEADER));
  }

  @Test
  void forwardOnlyKeepsOnMtlsAndAlwaysForwardOnlyKeepsEverywhere() throws Exception {
    HttpHeaders h = incoming();
    policy(ForwardClientCertDetails.FORWARD_ONLY, SetCurrentClientCertDetails.getDefaultInstance()).mutate(h, mtls);
    assertEquals("By=spiffe://upstream;URI=spiffe://first", h.get(ForwardClientCert.HEADER));
    h = incoming();
    policy(ForwardClientCertDetails.ALWAYS_FORWARD_ONLY, SetCurrentClientCertDetails.getDefaultInstance()).mutate(h, null);
    assertEquals("By=spiffe://upstream;URI=spiffe://first", h.get(ForwardClientCert.HEADER));
  }

  @Test
  void appendForwardAddsThisHopAndSanitizeSetReplaces() throws Exception {
    SetCurrentClientCertDetails istio = SetCurrentClientCertDetails.newBuilder()
        .setSubject(com.google.protobuf.BoolValue.of(true)).setUri(true).setDns(true).build();
    String element = "By=spiffe://cluster.local/ns/default/sa/server;Hash=" + CertificateNames.sha256Hex(client)
        + ";Subject=\"CN=client,O=javoy tests\";URI=spiffe://cluster.local/ns/default/sa/client;DNS=client.example.com";
    HttpHeaders h = incoming();
    policy(ForwardClientCertDetails.APPEND_FORWARD, istio).mutate(h, mtls);
    assertEquals("By=spiffe://upstream;URI=spiffe://first," + element, h.get(ForwardClientCert.HEADER));
    h = incoming();
    policy(ForwardClientCertDetails.SANITIZE_SET, istio).mutate(h, mtls);
    assertEquals(element, h.get(ForwardClientCert.HEADER));
  }

  @Test
  void certAndChainAreUrlEncodedPem() throws Exception {
    HttpHeaders h = new DefaultHttpHeaders();
    policy(ForwardClientCertDetails.SANITIZE_SET, SetCurrentClientCertDetails.newBuilder().setCert(true).build())
        .mutate(h, mtls);
    String v = h.get(ForwardClientCert.HEADER);
    int start = v.indexOf("Cert=\"") + 6;
    String pem = URLDecoder.decode(v.substring(start, v.indexOf('"', start)), StandardCharsets.UTF_8);
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n"), pem);
    assertEquals(client, PemMaterial.certificates(pem.getBytes(StandardCharsets.US_ASCII))[0]);
    assertFalse(v.contains("Chain="));
  }
}
