package dev.javoy.proxy.tls;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails;
import io.netty.handler.codec.http.HttpHeaders;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * The connection manager's {@code x-forwarded-client-cert} handling (Envoy's {@code mutateXfccRequestHeader}):
 * {@code forward_client_cert_details} decides whether an incoming XFCC is removed (SANITIZE, the default, and on
 * any connection without a client certificate), kept (FORWARD_ONLY, ALWAYS_FORWARD_ONLY), appended to
 * (APPEND_FORWARD) or replaced (SANITIZE_SET) by this hop's element: {@code By=<local URI SAN>},
 * {@code Hash=<peer SHA-256>}, then what {@code set_current_client_cert_details} asks for ({@code Subject},
 * {@code Cert}, {@code Chain}, {@code URI}, {@code DNS}). Immutable.
 */
public final class ForwardClientCert {
  public static final String HEADER = "x-forwarded-client-cert";
  public static final ForwardClientCert DEFAULT =
      new ForwardClientCert(ForwardClientCertDetails.SANITIZE, false, false, false, false, false);

  private final ForwardClientCertDetails mode;
  private final boolean subject;
  private final boolean cert;
  private final boolean chain;
  private final boolean uri;
  private final boolean dns;

  private ForwardClientCert(ForwardClientCertDetails mode, boolean subject, boolean cert, boolean chain, boolean uri,
      boolean dns) {
    this.mode = mode;
    this.subject = subject;
    this.cert = cert;
    this.chain = chain;
    this.uri = uri;
    this.dns = dns;
  }

  /** From the HCM's {@code forward_client_cert_details} and {@code set_current_client_cert_details}. */
  public static ForwardClientCert from(HttpConnectionManager p, String path) throws ConfigException {
    var d = p.getSetCurrentClientCertDetails();
    FieldSupport.check(d, FieldSupport.join(path, "set_current_client_cert_details"),
        Set.of("subject", "cert", "chain", "dns", "uri"));
    if (p.getForwardClientCertDetails() == ForwardClientCertDetails.UNRECOGNIZED) {
      throw new ConfigException(FieldSupport.join(path, "forward_client_cert_details"), "unknown value");
    }
    return new ForwardClientCert(p.getForwardClientCertDetails(), d.hasSubject() && d.getSubject().getValue(),
        d.getCert(), d.getChain(), d.getUri(), d.getDns());
  }

  /** Applies the policy to a request that arrived on a connection with {@code tls} (null: plaintext). */
  public void mutate(HttpHeaders h, TlsConnectionInfo tls) {
    if (mode == ForwardClientCertDetails.ALWAYS_FORWARD_ONLY) {
      return;
    }
    boolean mtls = tls != null && tls.peerCertificatePresented();
    if (mode == ForwardClientCertDetails.SANITIZE || !mtls) {
      h.remove(HEADER);
      return;
    }
    if (mode == ForwardClientCertDetails.FORWARD_ONLY) {
      return;
    }
    StringBuilder e = new StringBuilder(128);
    for (String by : tls.localUriSans()) {
      part(e, "By=").append(by);
    }
    if (!tls.peerSha256Fingerprint().isEmpty()) {
      part(e, "Hash=").append(tls.peerSha256Fingerprint());
    }
    if (subject) {
      part(e, "Subject=\"").append(tls.peerSubject()).append('"');
    }
    X509Certificate[] peerChain = tls.peerCertificateChain();
    if (cert && peerChain.length > 0) {
      part(e, "Cert=\"").append(urlEncodedPem(List.of(peerChain[0]))).append('"');
    }
    if (chain && peerChain.length > 0) {
      part(e, "Chain=\"").append(urlEncodedPem(List.of(peerChain))).append('"');
    }
    if (uri) {
      for (String u : tls.peerUriSans()) {
        part(e, "URI=").append(u);
      }
    }
    if (dns) {
      for (String d : tls.peerDnsSans()) {
        part(e, "DNS=").append(d);
      }
    }
    String element = e.toString();
    String existing = h.get(HEADER);
    if (mode == ForwardClientCertDetails.APPEND_FORWARD && existing != null && !existing.isEmpty()) {
      h.set(HEADER, existing + "," + element);
    } else {
      h.set(HEADER, element);
    }
  }

  private static StringBuilder part(StringBuilder e, String key) {
    if (e.length() > 0) {
      e.append(';');
    }
    return e.append(key);
  }

  private static String urlEncodedPem(List<X509Certificate> certs) {
    return CertificateNames.urlEncodedPem(certs);
  }
}
