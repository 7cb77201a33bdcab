package dev.javoy.proxy.tls;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.secret.SecretProvider;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The {@code envoy.transport_sockets.tls} transport socket of a filter chain ({@code DownstreamTlsContext}, Envoy's
 * {@code ServerSslSocketFactory}): BoringSSL server contexts, one per certificate, picked by SNI (with one
 * certificate and no {@code require_sni}, no selection: the handshake starts on that context at once); client
 * certificates requested when a validation context is configured and required with
 * {@code require_client_certificate}. A secret update builds a new generation of contexts that new handshakes
 * use; the replaced generation is released once no handshake can still be starting from it.
 */
public final class DownstreamTlsSocketFactory extends TlsSocketFactory {
  static final Set<String> SUPPORTED = Set.of("common_tls_context", "require_client_certificate", "require_sni",
      "session_timeout", "disable_stateless_session_resumption", "disable_stateful_session_resumption");

  private final boolean requireClientCertificate;
  private final boolean requireSni;
  private long connectTimeoutMillis;
  private final long sessionTimeoutSeconds;
  private final boolean disableTickets;
  private final boolean disableSessionCache;
  private final TlsStats stats;
  private volatile ServerContexts current;

  private DownstreamTlsSocketFactory(DownstreamTlsContext c, String path, TlsStats stats) throws ConfigException {
    super(new CommonTlsContextSource(c.getCommonTlsContext(), path + ".common_tls_context", true));
    this.requireClientCertificate = c.hasRequireClientCertificate() && c.getRequireClientCertificate().getValue();
    this.requireSni = c.hasRequireSni() && c.getRequireSni().getValue();
    this.sessionTimeoutSeconds = c.hasSessionTimeout()
        ? Math.max(1, Durations.toMillis(c.getSessionTimeout()) / 1000) : 0;
    this.disableTickets = c.getDisableStatelessSessionResumption();
    this.disableSessionCache = c.getDisableStatefulSessionResumption();
    this.stats = stats;
  }

  /**
   * Builds the factory and starts watching its secrets; with static secrets it is {@link #ready()} on return.
   *
   * @param path the JSON path of the {@code DownstreamTlsContext}
   */
  public static DownstreamTlsSocketFactory create(DownstreamTlsContext c, String path, SecretProvider secrets,
      TlsStats stats) throws ConfigException {
    TlsEngine.require(path);
    FieldSupport.check(c, path, SUPPORTED);
    if (!c.hasCommonTlsContext()) {
      throw new ConfigException(path + ".common_tls_context", "a DownstreamTlsContext needs common_tls_context");
    }
    DownstreamTlsSocketFactory f = new DownstreamTlsSocketFactory(c, path, stats);
    f.source.start(secrets, f.warmingListener(f::rebuild));
    return f;
  }

  private void rebuild(CommonTlsContextSource.Snapshot s) throws ConfigException {
    List<TlsCertificateMaterial> certs = s.certificates();
    SslContext[] contexts = new SslContext[certs.size()];
    try {
      for (int i = 0; i < contexts.length; i++) {
        contexts[i] = build(certs.get(i), s.validation());
      }
    } catch (SSLException | RuntimeException e) {
      for (SslContext ctx : contexts) {
        if (ctx != null) {
          TlsEngine.releaseNow(ctx);
        }
      }
      throw new ConfigException(source.toString(), "failed to build TLS server context: " + e.getMessage(), e);
    }
    ServerContexts previous = current;
    current = new ServerContexts(certs, contexts);
    if (previous != null) {
      for (SslContext old : previous.all()) {
        TlsEngine.releaseLater(old);
      }
    }
    markReady();
  }

  private SslContext build(TlsCertificateMaterial cert, CertificateValidation validation) throws SSLException {
    // the key through our own fixed-alias key manager: no key store and no JDK key manager search per handshake
    SslContextBuilder b = TlsEngine.configure(SslContextBuilder.forServer(ServerKeyManager.factory(cert)));
    source.params.applyTo(b);
    TrustManager tm;
    if (validation != null) {
      tm = new PeerCertificateVerifier(validation, stats);
    } else {
      tm = PeerCertificateVerifier.AcceptAny.INSTANCE;
    }
    b.trustManager(tm);
    boolean request = validation != null && validation.verifiesPeer;
    b.clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : request ? ClientAuth.OPTIONAL : ClientAuth.NONE);
    if (!source.alpn.isEmpty()) {
      b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, source.alpn));
    }
    if (sessionTimeoutSeconds > 0) {
      b.sessionTimeout(sessionTimeoutSeconds);
    }
    SslContext ctx = b.build();
    if (ctx instanceof ReferenceCountedOpenSslContext rc) {
      if (!disableTickets) {
        // Envoy resumes sessions statelessly by default; Netty leaves tickets off until keys are set, and no keys
        // means BoringSSL generates and rotates its own.
        rc.sessionContext().setTicketKeys();
      }
      if (disableSessionCache) {
        rc.sessionContext().setSessionCacheEnabled(false);
      }
    }
    return ctx;
  }

  /** Whether a client without a certificate is refused. */
  public boolean requireClientCertificate() {
    return requireClientCertificate;
  }

  /**
   * The filter chain's {@code transport_socket_connect_timeout}: a connection whose handshake has not completed this
   * long after it was accepted is closed ({@code downstream_cx_transport_socket_connect_timeout}). Set once while the
   * listener config is built, before it is published; 0 means none (Envoy's default).
   */
  public DownstreamTlsSocketFactory connectTimeout(com.google.protobuf.Duration timeout) {
    this.connectTimeoutMillis = com.google.protobuf.util.Durations.toMillis(timeout);
    return this;
  }

  /** The ALPN protocols the listener advertises. */
  public List<String> alpnProtocols() {
    return source.alpn;
  }

  /**
   * Puts TLS in front of the connection's network filters (worker thread): SNI selection, the handshake, and
   * {@link DownstreamConnection#tls()} filled when it completes.
   *
   * @return false when no context is ready yet (the caller closes the connection)
   */
  public boolean install(DownstreamConnection connection) {
    ServerContexts generation = current;
    if (generation == null) {
      stats.connectionError.inc();
      return false;
    }
    TlsConnectionInfo info = new TlsConnectionInfo();
    connection.setTls(info);
    TlsConnectionAllocator.use(connection.channel());
    ChannelPipeline p = connection.channel().pipeline();
    SslContext only = generation.only();
    if (only != null && !requireSni) {
      // One certificate serves every server name: the engine starts at once, without parsing the ClientHello in
      // Java first and replacing a handler (the SNI BoringSSL saw is read when the handshake completes).
      p.addLast(DownstreamSniHandler.NAME, DownstreamSniHandler.sslHandler(only, connection.channel().alloc()));
      p.addLast(new DownstreamTlsHandshake(connection, info, null, stats, connectTimeoutMillis));
      return true;
    }
    DownstreamSniHandler sni = new DownstreamSniHandler(this, requireSni);
    p.addLast(DownstreamSniHandler.NAME, sni);
    p.addLast(new DownstreamTlsHandshake(connection, info, sni, stats, connectTimeoutMillis));
    return true;
  }

  /** The context of the current generation for {@code sni} (worker thread, at ClientHello). */
  SslContext select(String sni) {
    return current.select(sni);
  }

  /** {@code clientAuth} of the contexts, for tests. */
  ServerContexts current() {
    return current;
  }
}
