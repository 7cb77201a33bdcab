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
  private final CountersByName versions;
  private final CountersByName ciphers;
  private final CountersByName curves;

  /** @param scope the listener's or the cluster's scope; the stats go under {@code ssl.} */
  public TlsStats(StatsScope scope) {
    StatsScope s = scope.scope("ssl.");
    versions = new CountersByName(s, "versions.");
    ciphers = new CountersByName(s, "ciphers.");
    curves = new CountersByName(s, "curves.");
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
    handshake.inc();
    if (sessionReused(engine)) {
      sessionReused.inc();
    }
    if (!info.tlsVersion().isEmpty()) {
      versions.counter(info.tlsVersion()).inc();
    }
    if (!info.cipher().isEmpty()) {
      ciphers.counter(info.cipher()).inc();
    }
    if (engine.getSession() instanceof io.netty.handler.ssl.OpenSslSession o) {
      String group = o.getNamedGroup();
      if (group != null && !group.isEmpty()) {
        curves.counter(group).inc();
      }
    }
  }

  /**
   * The counters {@code <prefix><name>} met so far, found by name without building the stat's full name on every
   * handshake (a listener sees one or two versions, ciphers and curves). Shared by the workers: a new name publishes
   * a new array; two workers adding the same name at once both get the store's one counter.
   */
  private static final class CountersByName {
    private final StatsScope scope;
    private final String prefix;
    private volatile Object[] known = new Object[0]; // name, counter, name, counter, ...

    CountersByName(StatsScope scope, String prefix) {
      this.scope = scope;
      this.prefix = prefix;
    }

    Counter counter(String name) {
      Object[] k = known;
      for (int i = 0; i < k.length; i += 2) {
        if (name.equals(k[i])) {
          return (Counter) k[i + 1];
        }
      }
      Counter c = scope.counter(prefix + name);
      Object[] more = java.util.Arrays.copyOf(k, k.length + 2);
      more[k.length] = name;
      more[k.length + 1] = c;
      known = more;
      return c;
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
