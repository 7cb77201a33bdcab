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
 * server name and counts {@code ssl.handshake}; on failure it counts {@code ssl.connection_error} and closes the
 * connection. It leaves the pipeline after the handshake.
 */
final class DownstreamTlsHandshake extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Log.get("connection");

  private final DownstreamConnection connection;
  private final TlsConnectionInfo info;
  private final DownstreamSniHandler sni;
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
        String name = sni.hostname();
        info.complete(ssl, name, true);
        if (name != null && connection.requestedServerName().isEmpty()) {
          connection.setRequestedServerName(name);
        }
        stats.onHandshake(info, ssl.engine());
        if (!info.peerCertificatePresented()) {
          stats.noCertificate.inc();
        }
      } else {
        fail();
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

  private void fail() {
    if (!failed) {
      failed = true;
      stats.connectionError.inc();
    }
  }
}
