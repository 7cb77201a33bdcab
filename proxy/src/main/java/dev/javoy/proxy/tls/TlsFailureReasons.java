package dev.javoy.proxy.tls;

import java.security.cert.CertificateException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Envoy's {@code %UPSTREAM_TRANSPORT_FAILURE_REASON%} for a failed TLS handshake: BoringSSL's error queue as
 * {@code TLS_error:|<packed code>:<library>:<function>:<reason>:TLS_error_end}, such as
 * {@code TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end} when the
 * peer certificate failed validation.
 */
public final class TlsFailureReasons {
  public static final String CERTIFICATE_VERIFY_FAILED =
      "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end";
  private static final Pattern OPENSSL_ERROR = Pattern.compile("error:([0-9a-fA-F]{8}):([^:]*):([^:]*):([A-Z0-9_]+)");

  private TlsFailureReasons() {}

  /** The reason for {@code cause} when it is a TLS failure, else null. */
  public static String of(Throwable cause) {
    boolean tls = false;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return CERTIFICATE_VERIFY_FAILED;
      }
      tls |= t instanceof SSLException;
    }
    if (!tls) {
      return null;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m == null) {
        continue;
      }
      Matcher x = OPENSSL_ERROR.matcher(m);
      if (x.find()) {
        long code = Long.parseLong(x.group(1), 16);
        return "TLS_error:|" + code + ":" + x.group(2) + ":" + x.group(3) + ":" + x.group(4) + ":TLS_error_end";
      }
    }
    String m = cause.getMessage();
    return "TLS_error:|" + (m == null ? cause.getClass().getSimpleName() : m) + ":TLS_error_end";
  }
}
