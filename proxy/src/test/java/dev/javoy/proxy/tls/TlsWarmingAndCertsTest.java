package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.secret.SecretListener;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.secret.SecretWatch;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.admin.v3.CertificateDetails;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warming of a TLS socket factory on its secrets (ready, or given up on at the secret's initial fetch timeout) and
 * the admin {@code /certs} entries of the contexts in use.
 */
class TlsWarmingAndCertsTest {
  @TempDir
  static Path dir;
  static TestPki pki;

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("v1", "server-v1", "DNS:server.example.com", "URI:spiffe://cluster.local/ns/default/sa/server");
  }

  /** Secrets that never arrive; the test fires their initial fetch timeout. */
  static final class SilentSecrets implements SecretProvider {
    final List<SecretListener> listeners = new ArrayList<>();

    @Override
    public SecretWatch watch(SdsSecretConfig config, String path, SecretListener listener) {
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }

    void timeOut(String name) {
      for (SecretListener l : List.copyOf(listeners)) {
        l.onInitialFetchTimeout(name);
      }
    }
  }

  @Test
  void theInitialFetchTimeoutEndsWarmingWithoutAContext() throws Exception {
    SilentSecrets secrets = new SilentSecrets();
    DownstreamTlsSocketFactory f = DownstreamTlsSocketFactory.create(
        DownstreamTlsSecretRotationTest.contextNamingSecret("default"), "tls", secrets,
        new TlsStats(new StatsStore().scope("listener.test.")));
    try {
      assertFalse(f.whenReady().isDone(), "warming until the secret arrives");
      secrets.timeOut("default");
      assertTrue(f.whenReady().isDone(), "the initial fetch timeout ends warming");
      assertFalse(f.ready(), "still no context: handshakes fail");
    } finally {
      f.close();
    }
  }

  @Test
  void certsListsTheLeafOfAContextInUseUntilItCloses() throws Exception {
    DownstreamTlsSecretRotationTest.PushedSecrets secrets = new DownstreamTlsSecretRotationTest.PushedSecrets();
    Secret s = DownstreamTlsSecretRotationTest.certificateSecret(pki, "default", "v1");
    secrets.push(s);
    X509Certificate leaf;
    try (InputStream in = Files.newInputStream(pki.cert("v1"))) {
      leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String serial = CertificatesInUse.serial(leaf);
    assertEquals(0, serial.length() % 2);
    assertEquals(leaf.getSerialNumber(), new java.math.BigInteger(serial, 16));
    DownstreamTlsSocketFactory f = DownstreamTlsSocketFactory.create(
        DownstreamTlsSecretRotationTest.contextNamingSecret("default"), "tls", secrets,
        new TlsStats(new StatsStore().scope("listener.test.")));
    try {
      CertificateDetails d = find(serial);
      assertEquals("<inline>", d.getPath());
      assertEquals(2, d.getSubjectAltNamesCount());
      assertEquals("server.example.com", d.getSubjectAltNames(0).getDns());
      assertEquals("spiffe://cluster.local/ns/default/sa/server", d.getSubjectAltNames(1).getUri());
      assertEquals(leaf.getNotAfter().getTime() / 1000, d.getExpirationTime().getSeconds());
      assertEquals(leaf.getNotBefore().getTime() / 1000, d.getValidFrom().getSeconds());
      assertTrue(d.getDaysUntilExpiration() >= 29 && d.getDaysUntilExpiration() <= 30, d.toString());
    } finally {
      f.close();
    }
    assertEquals(null, find(serial), "a closed context leaves /certs");
  }

  private static CertificateDetails find(String serial) {
    for (var c : CertificatesInUse.dump(System.currentTimeMillis()).getCertificatesList()) {
      for (CertificateDetails d : c.getCertChainList()) {
        if (d.getSerialNumber().equals(serial)) {
          return d;
        }
      }
    }
    return null;
  }
}
