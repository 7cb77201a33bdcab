package dev.javoy.proxy.tls;

import dev.javoy.proxy.log.Log;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Envoy's {@code DefaultCertValidator} as a trust manager BoringSSL calls during the handshake: the chain must
 * lead to a trusted CA (when one is configured), then a SAN must match one of the matchers (when there are any),
 * then the certificate's SHA-256 or its SPKI's SHA-256 must be one of the pins (when there are any). A failure
 * fails the handshake with BoringSSL's {@code CERTIFICATE_VERIFY_FAILED}.
 */
final class PeerCertificateVerifier extends X509ExtendedTrustManager {
  private static final Logger LOG = Log.get("connection");
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final CertificateValidation validation;
  private final TlsStats stats;

  PeerCertificateVerifier(CertificateValidation validation, TlsStats stats) {
    this.validation = validation;
    this.stats = stats;
  }

  private void verify(X509Certificate[] chain, boolean client) throws CertificateException {
    if (chain == null || chain.length == 0) {
      count(stats == null ? null : stats.failVerifyNoCert);
      throw new CertificateException("verify cert failed: no certificate");
    }
    X509Certificate leaf = chain[0];
    if (validation.chainTrust != null) {
      try {
        if (client) {
          validation.chainTrust.checkClientTrusted(chain, "UNKNOWN");
        } else {
          validation.chainTrust.checkServerTrusted(chain, "UNKNOWN");
        }
      } catch (CertificateException e) {
        count(stats == null ? null : stats.failVerifyError);
        LOG.log(Level.FINE, () -> "TLS peer certificate chain not trusted: " + e.getMessage());
        throw new CertificateException("verify cert failed: X509_verify_cert: " + e.getMessage(), e);
      }
    }
    List<SanMatcher> sans = validation.sanMatchers;
    if (!sans.isEmpty()) {
      boolean ok = false;
      for (int i = 0, n = sans.size(); i < n && !ok; i++) {
        ok = sans.get(i).matches(leaf);
      }
      if (!ok) {
        count(stats == null ? null : stats.failVerifySan);
        LOG.log(Level.FINE, () -> "TLS peer certificate SANs " + CertificateNames.sans(leaf, CertificateNames.URI)
            + CertificateNames.sans(leaf, CertificateNames.DNS) + " match no configured matcher");
        throw new CertificateException("verify cert failed: SAN matcher");
      }
    }
    if (!validation.certificateHashes.isEmpty() || !validation.spkiHashes.isEmpty()) {
      byte[] certHash = CertificateNames.sha256(CertificateNames.der(leaf));
      byte[] spkiHash = CertificateNames.sha256(leaf.getPublicKey().getEncoded());
      boolean ok = false;
      for (byte[] h : validation.certificateHashes) {
        ok |= MessageDigest.isEqual(h, certHash);
      }
      for (byte[] h : validation.spkiHashes) {
        ok |= MessageDigest.isEqual(h, spkiHash);
      }
      if (!ok) {
        count(stats == null ? null : stats.failVerifyCertHash);
        throw new CertificateException("verify cert failed: cert hash and spki");
      }
    }
  }

  private static void count(dev.javoy.proxy.stats.Counter c) {
    if (c != null) {
      c.inc();
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, false);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }

  /** Accepts any peer certificate: a context without validation (Envoy does not verify then). */
  static final class AcceptAny extends X509ExtendedTrustManager {
    static final AcceptAny INSTANCE = new AcceptAny();

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return NO_ISSUERS;
    }
  }
}
