package dev.javoy.proxy.tls;

import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a TLS connection established (Envoy's {@code Ssl::ConnectionInfo}): the peer's and the local
 * certificate's identities, the protocol version, the cipher, SNI and ALPN. Created when the connection is
 * accepted (or opened) and filled once its handshake completes, on the connection's event loop; until then
 * {@link #handshakeComplete()} is false and every value is empty.
 */
public final class TlsConnectionInfo {
  /** An upstream connection's TLS facts, on its channel once the handshake completed. */
  public static final io.netty.util.AttributeKey<TlsConnectionInfo> UPSTREAM =
      io.netty.util.AttributeKey.valueOf("javoy.upstreamTls");

  /**
   * The TLS facts of the upstream connection {@code ch} belongs to (an HTTP/2 stream channel's parent), or null
   * on plain TCP.
   */
  public static TlsConnectionInfo upstreamOf(io.netty.channel.Channel ch) {
    io.netty.channel.Channel c = ch.parent() != null ? ch.parent() : ch;
    return c.hasAttr(UPSTREAM) ? c.attr(UPSTREAM).get() : null;
  }

  private boolean handshakeComplete;
  private boolean peerCertificatePresented;
  private boolean peerCertificateValidated;
  private List<String> peerUriSans = List.of();
  private List<String> peerDnsSans = List.of();
  private List<String> peerIpSans = List.of();
  private List<String> peerEmailSans = List.of();
  private String peerSubject = "";
  private String peerIssuer = "";
  private String peerSerial = "";
  private String peerSha256 = "";
  private String peerSha1 = "";
  private X509Certificate localCertificate; // its names are read on first use: most connections never ask
  private List<String> localUriSans;
  private List<String> localDnsSans;
  private String localSubject;
  private String tlsVersion = "";
  private String cipher = "";
  private byte[] sessionIdBytes; // formatted on first use: most connections never ask
  private String sessionId;
  private String sni = "";
  private String alpn = "";
  private X509Certificate[] peerChain = new X509Certificate[0];

  /** Fills the values from the handshake {@code ssl} completed; {@code sni} is the server name asked for. */
  public void complete(SslHandler ssl, String sni, boolean peerValidated) {
    javax.net.ssl.SSLEngine engine = ssl.engine();
    SSLSession s = engine.getSession();
    Certificate[] peer = null;
    // A server that asked for no client certificate has none: skip the call that says so by throwing (an exception
    // with its stack trace on every handshake of a plain-TLS listener).
    if (engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth()) {
      try {
        peer = s.getPeerCertificates();
      } catch (SSLPeerUnverifiedException e) {
        peer = null;
      }
    }
    fill(s.getProtocol(), s.getCipherSuite(), s.getId(), ssl.applicationProtocol(), sni, s.getLocalCertificates(), peer,
        peerValidated);
  }

  /** Fills the values from what a handshake established (package-private for tests). */
  void fill(String protocol, String cipherSuite, byte[] id, String applicationProtocol, String sni, Certificate[] local,
      Certificate[] peer, boolean peerValidated) {
    this.handshakeComplete = true;
    this.sni = sni == null ? "" : sni;
    this.tlsVersion = protocol == null ? "" : protocol;
    if (cipherSuite != null) {
      String openSsl = cipherSuite.startsWith("TLS_") && !cipherSuite.contains("_WITH_") ? cipherSuite
          : CipherSuiteConverter.toOpenSsl(cipherSuite, true);
      this.cipher = openSsl == null ? cipherSuite : openSsl;
    }
    this.sessionIdBytes = id;
    this.sessionId = null;
    this.alpn = applicationProtocol == null ? "" : applicationProtocol;
    if (local != null && local.length > 0 && local[0] instanceof X509Certificate lc) {
      localCertificate = lc;
    }
    if (peer != null && peer.length > 0 && peer[0] instanceof X509Certificate pc) {
      peerCertificatePresented = true;
      peerChain = new X509Certificate[peer.length];
      for (int i = 0; i < peer.length; i++) {
        peerChain[i] = (X509Certificate) peer[i];
      }
      peerCertificateValidated = peerValidated;
      peerUriSans = CertificateNames.sans(pc, CertificateNames.URI);
      peerDnsSans = CertificateNames.sans(pc, CertificateNames.DNS);
      peerIpSans = CertificateNames.sans(pc, CertificateNames.IP);
      peerEmailSans = CertificateNames.sans(pc, CertificateNames.EMAIL);
      peerSubject = CertificateNames.subject(pc);
      peerIssuer = CertificateNames.issuer(pc);
      peerSerial = CertificateNames.serial(pc);
      peerSha256 = CertificateNames.sha256Hex(pc);
      peerSha1 = CertificateNames.sha1Hex(pc);
    }
  }

  public boolean handshakeComplete() {
    return handshakeComplete;
  }

  /** Whether the peer presented a certificate. */
  public boolean peerCertificatePresented() {
    return peerCertificatePresented;
  }

  /** The peer's certificate chain, leaf first; empty without one. */
  public X509Certificate[] peerCertificateChain() {
    return peerChain.clone();
  }

  /** Whether the peer's certificate was checked against a validation context (and passed). */
  public boolean peerCertificateValidated() {
    return peerCertificateValidated;
  }

  /** URI SANs of the peer certificate: the SPIFFE id of an Istio workload. */
  public List<String> peerUriSans() {
    return peerUriSans;
  }

  public List<String> peerDnsSans() {
    return peerDnsSans;
  }

  public List<String> peerIpSans() {
    return peerIpSans;
  }

  public List<String> peerEmailSans() {
    return peerEmailSans;
  }

  public String peerSubject() {
    return peerSubject;
  }

  public String peerIssuer() {
    return peerIssuer;
  }

  public String peerSerial() {
    return peerSerial;
  }

  /** SHA-256 of the peer certificate, lowercase hex. */
  public String peerSha256Fingerprint() {
    return peerSha256;
  }

  public String peerSha1Fingerprint() {
    return peerSha1;
  }

  public List<String> localUriSans() {
    if (localUriSans == null) {
      localUriSans = localCertificate == null ? List.of()
          : CertificateNames.sans(localCertificate, CertificateNames.URI);
    }
    return localUriSans;
  }

  public List<String> localDnsSans() {
    if (localDnsSans == null) {
      localDnsSans = localCertificate == null ? List.of()
          : CertificateNames.sans(localCertificate, CertificateNames.DNS);
    }
    return localDnsSans;
  }

  public String localSubject() {
    if (localSubject == null) {
      localSubject = localCertificate == null ? "" : CertificateNames.subject(localCertificate);
    }
    return localSubject;
  }

  /** {@code TLSv1.2} or {@code TLSv1.3}. */
  public String tlsVersion() {
    return tlsVersion;
  }

  /** The cipher in BoringSSL's naming, such as {@code ECDHE-ECDSA-AES128-GCM-SHA256}. */
  public String cipher() {
    return cipher;
  }

  public String sessionId() {
    if (sessionId == null) {
      sessionId = sessionIdBytes == null ? "" : HexFormat.of().withUpperCase().formatHex(sessionIdBytes);
    }
    return sessionId;
  }

  /** The server name the client asked for, or "". */
  public String sni() {
    return sni;
  }

  /** The negotiated application protocol, or "". */
  public String alpn() {
    return alpn;
  }
}
