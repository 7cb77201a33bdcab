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

  /** @param scope the listener's or the cluster's scope; the stats go under {@code ssl.} */
  public TlsStats(StatsScope scope) {
    StatsScope s = scope.scope("ssl.");
    handshake = s.counter("handshake");
    connectionError = s.counter("connection_error");
    noCertificate = s.counter("no_certificate");
    failVerifyNoCert = s.counter("fail_verify_no_cert");
    failVerifyError = s.counter("fail_verify_error");
    failVerifySan = s.counter("fail_verify_san");
    failVerifyCertHash = s.counter("fail_verify_cert_hash");
  }
}
