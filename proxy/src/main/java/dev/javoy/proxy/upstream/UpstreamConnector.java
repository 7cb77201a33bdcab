package dev.javoy.proxy.upstream;

import dev.javoy.proxy.server.Transport;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * Opens upstream connections on the caller's event loop (so upstream and downstream of a stream share one
 * thread), with the cluster's connect timeout, keepalive and buffer settings.
 */
public final class UpstreamConnector {
  private final Bootstrap bootstrap;
  private final Host host;

  public UpstreamConnector(UpstreamCluster cluster, Host host, EventLoop loop, Transport transport,
      ChannelHandler initializer) {
    this.host = host;
    boolean pipe = host.address() instanceof DomainSocketAddress;
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(pipe ? transport.domainSocketChannel() : transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cluster.connectTimeoutMillis()))
        .option(ChannelOption.AUTO_READ, true)
        .handler(cluster.upstreamFilters().wrap(cluster, host, initializer)); // Cluster.filters first
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

  public ChannelFuture connect() {
    return bootstrap.connect(host.address());
  }

  /**
   * Envoy's transport failure reason text for a failed connect, such as
   * {@code delayed connect error: Connection refused}.
   */
  public static String failureReason(Throwable cause) {
    if (cause == null) {
      return "";
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
