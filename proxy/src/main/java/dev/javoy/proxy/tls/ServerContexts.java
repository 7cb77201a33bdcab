package dev.javoy.proxy.tls;

import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One generation of a listener's server contexts, one per certificate, and how SNI picks among them (Envoy's
 * {@code ServerContextImpl} certificate selection): an exact DNS name of a certificate first, then a wildcard
 * name ({@code *.example.com}) covering the requested name, else the first certificate. Immutable; replaced
 * as a whole when a secret changes.
 */
final class ServerContexts {
  private final SslContext[] contexts;
  private final Map<String, SslContext> exact = new HashMap<>();
  private final Map<String, SslContext> wildcard = new HashMap<>();

  ServerContexts(List<TlsCertificateMaterial> certs, SslContext[] contexts) {
    this.contexts = contexts;
    for (int i = 0; i < contexts.length; i++) {
      for (String name : certs.get(i).serverNames()) {
        if (name.startsWith("*.")) {
          wildcard.putIfAbsent(name.substring(1), contexts[i]); // ".example.com"
        } else {
          exact.putIfAbsent(name, contexts[i]);
        }
      }
    }
  }

  /** The context for the server name the client asked for ({@code null}: none). */
  SslContext select(String sni) {
    if (sni != null && !sni.isEmpty()) {
      String name = sni.toLowerCase(Locale.ROOT);
      SslContext c = exact.get(name);
      if (c != null) {
        return c;
      }
      int dot = name.indexOf('.');
      if (dot > 0) {
        c = wildcard.get(name.substring(dot));
        if (c != null) {
          return c;
        }
      }
    }
    return contexts[0];
  }

  /** The context when there is exactly one certificate (SNI picks nothing), else null. */
  SslContext only() {
    return contexts.length == 1 ? contexts[0] : null;
  }

  SslContext[] all() {
    return contexts;
  }
}
