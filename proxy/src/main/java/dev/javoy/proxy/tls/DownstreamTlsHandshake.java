package dev.javoy.proxy.tls;

import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.network.DownstreamConnection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches a downstream handshake: on success it fills the connection's {@link TlsConnectionInfo} and requested
 * server name and counts {@code ssl.handshake}; on a TLS failure it counts {@code ssl.connection_error} and closes
 * the connection (a peer that closes before the handshake completes is not a TLS error). It leaves the pipeline after the handshake.
 */
final class DownstreamTlsHandshake extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Log.get("connection");

  private final DownstreamConnection connection;
  private final TlsConnectionInfo info;
  private final DownstreamSniHandler sni; // null: a single certificate, no SNI handler (the engine has the name)
  private final TlsStats stats;
  private final long connectTimeoutMillis;
  private boolean failed;
  private ScheduledFuture<?> connectTimeout;

  DownstreamTlsHandshake(DownstreamConnection connection, TlsConnectionInfo info, DownstreamSniHandler sni,
      TlsStats stats, long connectTimeoutMillis) {
    this.connection = connection;
    this.info = info;
    this.sni = sni;
    this.stats = stats;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (connectTimeoutMillis > 0) {
      // Envoy's transport_socket_connect_timeout: from the connection's acceptance to the handshake's end
      connectTimeout = ctx.executor().schedule(() -> {
        if (!info.handshakeComplete() && ctx.channel().isOpen()) {
          connection.listenerStats().downstreamCxTransportSocketConnectTimeout.inc();
          LOG.log(Level.FINE, () -> "[C" + connection.id() + "] transport socket connect timeout");
          ctx.close();
        }
      }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (connectTimeout != null) {
      connectTimeout.cancel(false);
      connectTimeout = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String name = sni != null ? sni.hostname() : requestedServerName(ssl.engine());
        info.complete(ssl, name, true);
        if (name != null && connection.requestedServerName().isEmpty()) {
          connection.setRequestedServerName(name);
        }
        stats.onHandshake(info, ssl.engine());
        if (!info.peerCertificatePresented()) {
          stats.noCertificate.inc();
        }
      } else {
        if (!(done.cause() instanceof java.nio.channels.ClosedChannelException)) {
          // as Envoy: ssl.connection_error counts TLS errors, not a peer that closed before finishing its handshake
          // (a TCP probe connecting and closing, a client giving up)
          fail();
        }
        LOG.log(Level.FINE, () -> "[C" + connection.id() + "] TLS handshake failed: " + done.cause());
        ctx.close();
      }
      ctx.pipeline().remove(this);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!info.handshakeComplete()) {
      fail();
      LOG.log(Level.FINE, () -> "[C" + connection.id() + "] TLS error before the handshake completed: " + cause);
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  /** The server name the ClientHello asked for, as BoringSSL parsed it (lower case, as Netty's SniHandler), or null. */
  static String requestedServerName(javax.net.ssl.SSLEngine engine) {
    if (engine instanceof io.netty.handler.ssl.ReferenceCountedOpenSslEngine e) {
      long ssl = e.sslPointer(); // freed only on this connection's event loop, which is this thread
      String name = ssl == 0 ? null : io.netty.internal.tcnative.SSL.getSniHostname(ssl);
      return name == null || name.isEmpty() ? null : name.toLowerCase(java.util.Locale.ROOT);
    }
    return null;
  }

  private void fail() {
    if (!failed) {
      failed = true;
      stats.connectionError.inc();
    }
  }
}
