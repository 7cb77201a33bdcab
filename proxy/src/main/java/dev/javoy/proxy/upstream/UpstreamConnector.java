package dev.javoy.proxy.upstream;

import dev.javoy.proxy.server.Transport;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.netty.bootstrap.Bootstrap;
import dev.javoy.proxy.tls.TlsConnectionInfo;
import dev.javoy.proxy.tls.TlsFailureReasons;
import dev.javoy.proxy.tls.UpstreamAlpn;
import dev.javoy.proxy.tls.UpstreamTlsSocketFactory;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * Opens upstream connections on the caller's event loop (so upstream and downstream of a stream share one
 * thread), with the cluster's connect timeout, keepalive and buffer settings, and the host's transport socket:
 * with TLS, the connection counts as connected only once its handshake completed (as Envoy raises
 * {@code Connected} after the handshake), so a certificate or SAN mismatch is a connect failure.
 */
public final class UpstreamConnector {
  private final Bootstrap bootstrap;
  private final Host host;
  private final java.net.SocketAddress bindAddress;
  private final UpstreamTlsSocketFactory tls;
  private final long connectTimeoutMillis;

  /** A connector for TCP relaying (no ALPN offered unless the TLS context lists protocols). */
  public UpstreamConnector(UpstreamCluster cluster, Host host, EventLoop loop, Transport transport,
      ChannelHandler initializer) {
    this(cluster, host, loop, transport, initializer, UpstreamAlpn.NONE);
  }

  /** @param alpn what the pool speaks, offered by ALPN when the host's TLS context lists no protocols */
  public UpstreamConnector(UpstreamCluster cluster, Host host, EventLoop loop, Transport transport,
      ChannelHandler initializer, UpstreamAlpn alpn) {
    this.host = host;
    this.bindAddress = cluster.upstreamBindAddress();
    this.tls = cluster.transportSocketFor(host);
    this.connectTimeoutMillis = cluster.connectTimeoutMillis();
    boolean pipe = host.address() instanceof DomainSocketAddress;
    ChannelHandler handler = initializer;
    if (tls != null) {
      UpstreamTlsSocketFactory socket = tls;
      handler = new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
          int port = host.address() instanceof InetSocketAddress a ? a.getPort() : -1;
          dev.javoy.proxy.tls.TlsConnectionAllocator.use(ch);
          SslHandler ssl = socket.newHandler(ch.alloc(), alpn, port);
          if (ssl == null) {
            ch.pipeline().addLast(new NotReady());
          } else {
            ssl.setHandshakeTimeoutMillis(Math.max(1, connectTimeoutMillis));
            ch.pipeline().addLast(ssl);
          }
          ch.pipeline().addLast(initializer);
        }
      };
    }
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(pipe ? transport.domainSocketChannel() : transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cluster.connectTimeoutMillis()))
        .option(ChannelOption.AUTO_READ, true)
        .handler(cluster.upstreamFilters().wrap(cluster, host, handler)); // Cluster.filters after TLS
    if (!pipe) {
      b.option(ChannelOption.TCP_NODELAY, true);
      TcpKeepalive ka = cluster.tcpKeepalive();
      if (ka != null) {
        b.option(ChannelOption.SO_KEEPALIVE, true);
        if (transport == Transport.EPOLL) {
          if (ka.hasKeepaliveTime()) {
            b.option(EpollChannelOption.TCP_KEEPIDLE, ka.getKeepaliveTime().getValue());
          }
          if (ka.hasKeepaliveInterval()) {
            b.option(EpollChannelOption.TCP_KEEPINTVL, ka.getKeepaliveInterval().getValue());
          }
          if (ka.hasKeepaliveProbes()) {
            b.option(EpollChannelOption.TCP_KEEPCNT, ka.getKeepaliveProbes().getValue());
          }
        }
      }
    }
    this.bootstrap = b;
  }

  /**
   * Connects; the future completes when the connection can carry traffic: at TCP connect, or with TLS once the
   * handshake completed. A failed handshake fails it (and closes the channel).
   */
  public ChannelFuture connect() {
    ChannelFuture tcp = bindAddress == null || host.address() instanceof DomainSocketAddress
        ? bootstrap.connect(host.address()) : bootstrap.connect(host.address(), bindAddress);
    if (tls == null) {
      return tcp;
    }
    Channel ch = tcp.channel();
    ChannelPromise done = ch.newPromise();
    tcp.addListener(f -> {
      if (!f.isSuccess()) {
        done.tryFailure(f.cause());
        return;
      }
      SslHandler ssl = ch.pipeline().get(SslHandler.class);
      if (ssl == null) {
        done.tryFailure(new SSLException("TLS context not ready: its secrets have not arrived"));
        ch.close();
        return;
      }
      ssl.handshakeFuture().addListener(h -> {
        if (h.isSuccess()) {
          TlsConnectionInfo info = new TlsConnectionInfo();
          info.complete(ssl, tls.sni(), true);
          tls.stats().onHandshake(info, ssl.engine());
          ch.attr(TlsConnectionInfo.UPSTREAM).set(info);
          done.trySuccess();
        } else {
          tls.stats().connectionError.inc();
          done.tryFailure(h.cause());
          ch.close();
        }
      });
    });
    return done;
  }

  /** The TLS socket of this host (null: plain TCP). */
  public UpstreamTlsSocketFactory tls() {
    return tls;
  }

  /** Stands where the TLS handler would be when the host's TLS context is not ready; nothing passes. */
  private static final class NotReady extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Envoy's transport failure reason text for a failed connect, such as
   * {@code delayed connect error: Connection refused}.
   */
  public static String failureReason(Throwable cause) {
    if (cause == null) {
      return "";
    }
    String tlsReason = TlsFailureReasons.of(cause);
    if (tlsReason != null) {
      return tlsReason;
    }
    if (cause instanceof io.netty.channel.ConnectTimeoutException) {
      return "connection timeout";
    }
    String m = cause.getMessage();
    if (m != null) {
      // Netty: "connect(..) failed: Connection refused: /127.0.0.1:8080" -> "Connection refused"
      int addr = m.lastIndexOf(": /");
      if (addr >= 0) {
        m = m.substring(0, addr);
      }
      int colon = m.lastIndexOf(": ");
      if (colon >= 0) {
        m = m.substring(colon + 2);
      }
    }
    return "delayed connect error: " + (m == null ? cause.getClass().getSimpleName() : m);
  }
}
