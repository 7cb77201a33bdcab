package dev.javoy.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import javax.net.ssl.SSLHandshakeException;

/**
 * Reads the ClientHello's server name, picks the certificate's context of the current generation and replaces
 * itself with the {@link SslHandler} of that context. Without SNI the first certificate serves, unless the
 * listener has {@code require_sni}.
 */
final class DownstreamSniHandler extends SniHandler {
  static final String NAME = "tls";

  private final boolean requireSni;

  DownstreamSniHandler(DownstreamTlsSocketFactory factory, boolean requireSni) {
    super(factory::select);
    this.requireSni = requireSni;
  }

  @Override
  protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
    if (requireSni && (hostname == null || hostname.isEmpty())) {
      return ctx.executor().newFailedFuture(new SSLHandshakeException("TLS handshake without SNI (require_sni)"));
    }
    return super.lookup(ctx, hostname);
  }

  @Override
  protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
    return sslHandler(context, allocator);
  }

  /**
   * The server's TLS handler on {@code context}: BoringSSL's engine fed whole reads (Netty's non-JDK-compatible
   * unwrap), delegated tasks run inline on the event loop, no handshake timeout of its own (as Envoy;
   * {@code transport_socket_connect_timeout} is {@link DownstreamTlsHandshake}'s).
   */
  static SslHandler sslHandler(SslContext context, ByteBufAllocator allocator) {
    SslHandler h = context.newHandler(allocator);
    h.setHandshakeTimeoutMillis(0);
    return h;
  }
}
