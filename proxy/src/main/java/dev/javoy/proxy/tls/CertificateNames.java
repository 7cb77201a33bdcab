package dev.javoy.proxy.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** What Envoy reads out of an X.509 certificate: subject alternative names by type, subject, serial, digests. */
public final class CertificateNames {
  /** GeneralName tags (RFC 5280) as the JDK reports them. */
  static final int EMAIL = 1, DNS = 2, URI = 6, IP = 7;

  private CertificateNames() {}

  /** The SANs of {@code type} ({@link #URI}, {@link #DNS}, ...), in certificate order. */
  public static List<String> sans(X509Certificate cert, int type) {
    Collection<List<?>> all;
    try {
      all = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (all == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(2);
    for (List<?> n : all) {
      if (n.size() >= 2 && n.get(0) instanceof Integer t && t == type && n.get(1) instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  /** The subject as Envoy prints it (RFC 2253). */
  public static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }

  public static String issuer(X509Certificate cert) {
    return cert.getIssuerX500Principal().getName(X500Principal.RFC2253);
  }

  /** The subject's common name, or "". */
  static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(subject(cert)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return "";
    }
    return "";
  }

  /** The serial number in lowercase hex. */
  public static String serial(X509Certificate cert) {
    return cert.getSerialNumber().toString(16);
  }

  /** SHA-256 of the DER certificate, lowercase hex (Envoy's {@code sha256PeerCertificateDigest}). */
  public static String sha256Hex(X509Certificate cert) {
    return HexFormat.of().formatHex(sha256(der(cert)));
  }

  /** SHA-1 of the DER certificate, lowercase hex. */
  public static String sha1Hex(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(der(cert)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] der(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Certificates as PEM, URL-encoded (Envoy's {@code urlEncodedPemEncodedPeerCertificate}). */
  public static String urlEncodedPem(List<X509Certificate> certs) {
    StringBuilder pem = new StringBuilder();
    java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate c : certs) {
      pem.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(der(c)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return java.net.URLEncoder.encode(pem.toString(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
