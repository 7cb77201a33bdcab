package dev.javoy.proxy.tls;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.secret.SecretProvider;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * A cluster's {@code envoy.transport_sockets.tls} ({@code UpstreamTlsContext}, Envoy's
 * {@code ClientSslSocketFactory}): BoringSSL client contexts with the client certificate, the server certificate
 * validation (Istio pins the server's SPIFFE id with a URI SAN matcher), {@code sni} and ALPN. Without configured
 * {@code alpn_protocols} the pool's protocol is offered ({@link UpstreamAlpn}), so there is one context per
 * fallback. A secret update builds new contexts that new connections use.
 */
public final class UpstreamTlsSocketFactory extends TlsSocketFactory {
  static final Set<String> SUPPORTED = Set.of("common_tls_context", "sni", "allow_renegotiation", "max_session_keys");

  private final String sni;
  private final int maxSessionKeys;
  private final TlsStats stats;
  /** Indexed by {@link UpstreamAlpn#ordinal()}; all the same context when ALPN is configured. */
  private volatile SslContext[] current;

  private UpstreamTlsSocketFactory(UpstreamTlsContext c, String path, TlsStats stats) throws ConfigException {
    super(new CommonTlsContextSource(c.getCommonTlsContext(), path + ".common_tls_context", false));
    this.sni = c.getSni();
    this.maxSessionKeys = c.hasMaxSessionKeys() ? c.getMaxSessionKeys().getValue() : 1;
    this.stats = stats;
  }

  /** @param path the JSON path of the {@code UpstreamTlsContext} */
  public static UpstreamTlsSocketFactory create(UpstreamTlsContext c, String path, SecretProvider secrets,
      TlsStats stats) throws ConfigException {
    TlsEngine.require(path);
    FieldSupport.check(c, path, SUPPORTED);
    if (c.getAllowRenegotiation()) {
      throw new ConfigException(path + ".allow_renegotiation", "TLS renegotiation is not supported");
    }
    UpstreamTlsSocketFactory f = new UpstreamTlsSocketFactory(c, path, stats);
    f.source.start(secrets, f.warmingListener(f::rebuild));
    return f;
  }

  private void rebuild(CommonTlsContextSource.Snapshot s) throws ConfigException {
    if (s.certificates().size() > 1) {
      throw new ConfigException(source.toString(), "an upstream TLS context takes at most one client certificate");
    }
    TlsCertificateMaterial cert = s.certificates().isEmpty() ? null : s.certificates().get(0);
    SslContext[] next = new SslContext[UpstreamAlpn.values().length];
    try {
      if (!source.alpn.isEmpty()) {
        SslContext one = build(cert, s.validation(), source.alpn);
        java.util.Arrays.fill(next, one);
      } else {
        for (UpstreamAlpn a : UpstreamAlpn.values()) {
          next[a.ordinal()] = build(cert, s.validation(), a.protocol == null ? List.of() : List.of(a.protocol));
        }
      }
    } catch (SSLException | RuntimeException e) {
      for (SslContext c : next) {
        if (c != null) {
          TlsEngine.releaseNow(c);
        }
      }
      throw new ConfigException(source.toString(), "failed to build TLS client context: " + e.getMessage(), e);
    }
    SslContext[] previous = current;
    current = next;
    if (previous != null) {
      for (SslContext c : java.util.Set.copyOf(java.util.Arrays.asList(previous))) {
        TlsEngine.releaseLater(c);
      }
    }
    markReady();
  }

  private SslContext build(TlsCertificateMaterial cert, CertificateValidation validation, List<String> alpn)
      throws SSLException {
    SslContextBuilder b = TlsEngine.configure(SslContextBuilder.forClient())
        .endpointIdentificationAlgorithm(null); // Envoy verifies by SAN matchers, not by host name
    source.params.applyTo(b);
    if (cert != null) {
      b.keyManager(cert.key(), cert.chain());
    }
    b.trustManager(validation != null ? new PeerCertificateVerifier(validation, stats)
        : PeerCertificateVerifier.AcceptAny.INSTANCE);
    if (!alpn.isEmpty()) {
      b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
    }
    if (maxSessionKeys > 0) {
      b.sessionCacheSize(maxSessionKeys);
    }
    SslContext ctx = b.build();
    if (maxSessionKeys == 0 && ctx instanceof ReferenceCountedOpenSslContext rc) {
      rc.sessionContext().setSessionCacheEnabled(false);
    }
    return ctx;
  }

  /**
   * A client TLS handler for a new upstream connection (worker thread), or null when no context is ready yet.
   *
   * @param port the upstream port (session resumption is keyed by SNI and port)
   */
  public SslHandler newHandler(ByteBufAllocator alloc, UpstreamAlpn alpn, int port) {
    SslContext[] c = current;
    if (c == null) {
      return null;
    }
    return c[alpn.ordinal()].newHandler(alloc, sni.isEmpty() ? null : sni, sni.isEmpty() ? -1 : port);
  }

  public String sni() {
    return sni;
  }

  public TlsStats stats() {
    return stats;
  }
}
