package dev.javoy.proxy.tls;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code <listener or cluster>.ssl.*} stats. */
public final class TlsStats {
  public final Counter handshake;
  public final Counter connectionError;
  public final Counter noCertificate;
  public final Counter failVerifyNoCert;
  public final Counter failVerifyError;
  public final Counter failVerifySan;
  public final Counter failVerifyCertHash;
  public final Counter sessionReused;
  private final StatsScope ssl;

  /** @param scope the listener's or the cluster's scope; the stats go under {@code ssl.} */
  public TlsStats(StatsScope scope) {
    StatsScope s = scope.scope("ssl.");
    ssl = s;
    handshake = s.counter("handshake");
    connectionError = s.counter("connection_error");
    noCertificate = s.counter("no_certificate");
    failVerifyNoCert = s.counter("fail_verify_no_cert");
    failVerifyError = s.counter("fail_verify_error");
    failVerifySan = s.counter("fail_verify_san");
    failVerifyCertHash = s.counter("fail_verify_cert_hash");
    sessionReused = s.counter("session_reused");
  }

  /**
   * A handshake completed: {@code ssl.handshake} and Envoy's per-negotiation counters
   * {@code ssl.versions.<version>}, {@code ssl.ciphers.<cipher>}, {@code ssl.curves.<group>}, and
   * {@code ssl.session_reused} when BoringSSL resumed a session (ticket or session id). Event loop of the connection.
   */
  public void onHandshake(TlsConnectionInfo info, javax.net.ssl.SSLEngine engine) {
    javax.net.ssl.SSLSession session = engine.getSession();
    handshake.inc();
    if (sessionReused(engine)) {
      sessionReused.inc();
    }
    if (!info.tlsVersion().isEmpty()) {
      ssl.counter("versions." + info.tlsVersion()).inc();
    }
    if (!info.cipher().isEmpty()) {
      ssl.counter("ciphers." + info.cipher()).inc();
    }
    if (session instanceof io.netty.handler.ssl.OpenSslSession o) {
      String group = o.getNamedGroup();
      if (group != null && !group.isEmpty()) {
        ssl.counter("curves." + group).inc();
      }
    }
  }

  private static boolean sessionReused(javax.net.ssl.SSLEngine engine) {
    if (engine instanceof io.netty.handler.ssl.ReferenceCountedOpenSslEngine e) {
      long ssl = e.sslPointer(); // only the connection's event loop frees it, and that is this thread
      return ssl != 0 && io.netty.internal.tcnative.SSL.isSessionReused(ssl);
    }
    return false;
  }
}
