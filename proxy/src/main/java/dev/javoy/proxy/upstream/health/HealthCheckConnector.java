package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.Host;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Opens health check connections on the main event loop, to the host or its {@code health_check_config} port. */
final class HealthCheckConnector {
  private HealthCheckConnector() {}

  static ChannelFuture connect(EventLoop loop, Host host, long connectTimeoutMillis, ChannelHandler initializer) {
    SocketAddress address = address(host);
    boolean pipe = address instanceof DomainSocketAddress;
    Transport transport = Transport.current();
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(pipe ? transport.domainSocketChannel() : transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
        .handler(initializer);
    if (!pipe) {
      b.option(ChannelOption.TCP_NODELAY, true);
    }
    return b.connect(address);
  }

  static SocketAddress address(Host host) {
    SocketAddress a = host.address();
    int port = host.healthCheckPort();
    if (port > 0 && a instanceof InetSocketAddress i) {
      return i.getAddress() != null ? new InetSocketAddress(i.getAddress(), port)
          : InetSocketAddress.createUnresolved(i.getHostString(), port);
    }
    return a;
  }
}
