package dev.javoy.proxy.tls;

import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.admin.v3.Certificate;
import io.envoyproxy.envoy.admin.v3.CertificateDetails;
import io.envoyproxy.envoy.admin.v3.Certificates;
import io.envoyproxy.envoy.admin.v3.SubjectAlternateName;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Envoy's admin {@code /certs}: every TLS context in use (listener filter chains and cluster transport sockets of
 * this process, in creation order), each with its trusted CAs ({@code ca_cert}) and the leaf of each of its
 * certificates ({@code cert_chain}), as the latest secrets built them. Contexts register when they get their first
 * certificates and leave when their socket factory closes. Any thread.
 */
public final class CertificatesInUse {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final ConcurrentSkipListMap<Long, CommonTlsContextSource.Snapshot> IN_USE =
      new ConcurrentSkipListMap<>();

  private CertificatesInUse() {}

  static long register() {
    return SEQUENCE.incrementAndGet();
  }

  static void update(long id, CommonTlsContextSource.Snapshot s) {
    IN_USE.put(id, s);
  }

  static void remove(long id) {
    IN_USE.remove(id);
  }

  /** The {@code /certs} document at {@code nowMillis}. */
  public static Certificates dump(long nowMillis) {
    Certificates.Builder out = Certificates.newBuilder();
    for (CommonTlsContextSource.Snapshot s : IN_USE.values()) {
      Certificate.Builder c = Certificate.newBuilder();
      if (s.validation() != null) {
        for (X509Certificate ca : s.validation().trustedCas) {
          c.addCaCert(details(ca, s.validation().trustedCaSource, nowMillis));
        }
      }
      for (TlsCertificateMaterial m : s.certificates()) {
        c.addCertChain(details(m.chain()[0], m.source(), nowMillis));
      }
      out.addCertificates(c);
    }
    return out.build();
  }

  static CertificateDetails details(X509Certificate x, String path, long nowMillis) {
    CertificateDetails.Builder d = CertificateDetails.newBuilder().setPath(path)
        .setSerialNumber(serial(x))
        .setDaysUntilExpiration(Math.max(0, TimeUnit.MILLISECONDS.toDays(x.getNotAfter().getTime() - nowMillis)))
        .setValidFrom(Timestamps.fromMillis(x.getNotBefore().getTime()))
        .setExpirationTime(Timestamps.fromMillis(x.getNotAfter().getTime()));
    try {
      if (x.getSubjectAlternativeNames() != null) {
        for (List<?> san : x.getSubjectAlternativeNames()) {
          int type = (Integer) san.get(0);
          String value = String.valueOf(san.get(1));
          switch (type) {
            case 2 -> d.addSubjectAltNames(SubjectAlternateName.newBuilder().setDns(value));
            case 6 -> d.addSubjectAltNames(SubjectAlternateName.newBuilder().setUri(value));
            case 7 -> d.addSubjectAltNames(SubjectAlternateName.newBuilder().setIpAddress(value));
            default -> { }
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no SANs shown, as Envoy shows none for a certificate it cannot read them from
    }
    return d.build();
  }

  /** The serial number as Envoy prints it: lowercase hex of its bytes (two digits per byte). */
  static String serial(X509Certificate x) {
    String hex = x.getSerialNumber().toString(16);
    return hex.length() % 2 == 0 ? hex : "0" + hex;
  }
}
