package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's certificate validation order on real openssl-made certificates: trusted CA and CRL, SAN matchers,
 * certificate hash and SPKI pins; each failure counted in its {@code ssl.fail_verify_*} stat.
 */
class PeerCertificateVerifierTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static Path otherCa;

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("good", "good", "URI:spiffe://cluster.local/ns/default/sa/good");
    pki.issue("revoked", "revoked", "URI:spiffe://cluster.local/ns/default/sa/revoked");
    Path other = Files.createDirectories(dir.resolve("other"));
    otherCa = new TestPki(other, "other").caCert();
  }

  static X509Certificate[] chain(String name) throws Exception {
    return PemMaterial.certificates(Files.readAllBytes(pki.cert(name)));
  }

  static CertificateValidationContext.Builder trusting(Path ca) {
    return CertificateValidationContext.newBuilder().setTrustedCa(DataSource.newBuilder().setFilename(ca.toString()));
  }

  static PeerCertificateVerifier verifier(CertificateValidationContext v, TlsStats stats) throws ConfigException {
    return new PeerCertificateVerifier(CertificateValidation.from(v, "validation_context"), stats);
  }

  @Test
  void chainMustLeadToTheTrustedCa() throws Exception {
    TlsStats stats = new TlsStats(new StatsStore().scope("cluster.x."));
    assertDoesNotThrow(() -> verifier(trusting(pki.caCert()).build(), stats).checkServerTrusted(chain("good"), "UNKNOWN"));
    assertDoesNotThrow(() -> verifier(trusting(pki.caCert()).build(), stats).checkClientTrusted(chain("good"), "UNKNOWN"));
    assertThrows(CertificateException.class,
        () -> verifier(trusting(otherCa).build(), stats).checkServerTrusted(chain("good"), "UNKNOWN"));
    assertEquals(1, stats.failVerifyError.value());
  }

  @Test
  void sanMatchersPinTheSpiffeId() throws Exception {
    TlsStats stats = new TlsStats(new StatsStore().scope("cluster.x."));
    CertificateValidationContext pinned = trusting(pki.caCert()).addMatchTypedSubjectAltNames(SubjectAltNameMatcher
        .newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI)
        .setMatcher(StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/default/sa/good"))).build();
    assertDoesNotThrow(() -> verifier(pinned, stats).checkServerTrusted(chain("good"), "UNKNOWN"));
    CertificateException e = assertThrows(CertificateException.class,
        () -> verifier(pinned, stats).checkServerTrusted(chain("revoked"), "UNKNOWN"));
    assertTrue(e.getMessage().contains("SAN"), e.getMessage());
    assertEquals(1, stats.failVerifySan.value());
  }

  @Test
  void certificateHashOrSpkiPinsAcceptEitherMatch() throws Exception {
    TlsStats stats = new TlsStats(new StatsStore().scope("cluster.x."));
    X509Certificate leaf = chain("good")[0];
    String hash = CertificateNames.sha256Hex(leaf).toUpperCase().replaceAll("(..)(?!$)", "$1:");
    String spki = Base64.getEncoder().encodeToString(CertificateNames.sha256(leaf.getPublicKey().getEncoded()));
    assertDoesNotThrow(() -> verifier(CertificateValidationContext.newBuilder().addVerifyCertificateHash(hash).build(),
        stats).checkServerTrusted(chain("good"), "UNKNOWN"));
    assertDoesNotThrow(() -> verifier(CertificateValidationContext.newBuilder().addVerifyCertificateSpki(spki)
        .addVerifyCertificateHash(CertificateNames.sha256Hex(chain("revoked")[0])).build(), stats)
        .checkServerTrusted(chain("good"), "UNKNOWN"));
    assertThrows(CertificateException.class, () -> verifier(CertificateValidationContext.newBuilder()
        .addVerifyCertificateSpki(spki).build(), stats).checkServerTrusted(chain("revoked"), "UNKNOWN"));
    assertEquals(1, stats.failVerifyCertHash.value());
    assertThrows(ConfigException.class, () -> CertificateValidation.from(CertificateValidationContext.newBuilder()
        .addVerifyCertificateHash("abcd").build(), "v"));
  }

  @Test
  void aCrlRevokesTheLeaf() throws Exception {
    Path crl = pki.revoke("revoked");
    CertificateValidationContext v = trusting(pki.caCert())
        .setCrl(DataSource.newBuilder().setFilename(crl.toString())).build();
    TlsStats stats = new TlsStats(new StatsStore().scope("cluster.x."));
    assertDoesNotThrow(() -> verifier(v, stats).checkServerTrusted(chain("good"), "UNKNOWN"));
    assertThrows(CertificateException.class, () -> verifier(v, stats).checkServerTrusted(chain("revoked"), "UNKNOWN"));
  }
}
