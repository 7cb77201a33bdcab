package dev.javoy.proxy.listener;

import dev.javoy.proxy.network.DrainDecision;
import dev.javoy.proxy.network.DrainEvent;
import dev.javoy.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener bound on the workers: with epoll or io_uring each worker has its own {@code SO_REUSEPORT} socket
 * and accepts on its own loop (Envoy's model); with NIO one socket accepts and hands connections out.
 */
public final class ActiveListener implements DrainDecision {
  private final ListenerConfig config;
  private final ListenerManager manager;
  private final List<Channel> sockets = new ArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile boolean draining;
  private SocketAddress boundAddress;

  ActiveListener(ListenerConfig config, ListenerManager manager) {
    this.config = config;
    this.manager = manager;
  }

  public ListenerConfig config() {
    return config;
  }

  ListenerManager manager() {
    return manager;
  }

  /** The address actually bound (port resolved when the config asked for port 0). */
  public SocketAddress boundAddress() {
    return boundAddress != null ? boundAddress : config.address();
  }

  void track(Channel ch) {
    connections.add(ch);
  }

  /** Binds on every worker; runs on a non-event-loop thread at start-up and may block until bound. */
  void bind(EventLoopGroup workers, Transport transport) throws InterruptedException {
    if (!config.bindToPort()) {
      return;
    }
    ConnectionAcceptor acceptor = new ConnectionAcceptor(this);
    SocketAddress addr = config.address();
    boolean pipe = addr instanceof DomainSocketAddress;
    if (pipe || !transport.supportsReusePort() || !config.reusePort()) {
      ServerBootstrap b = bootstrap(workers.next(), workers, transport, pipe, acceptor, false);
      Channel ch = b.bind(addr).sync().channel();
      sockets.add(ch);
      boundAddress = ch.localAddress();
      return;
    }
    for (var executor : workers) {
      EventLoop loop = (EventLoop) executor;
      SocketAddress target = boundAddress == null ? addr : boundAddress;
      ServerBootstrap b = bootstrap(loop, loop, transport, false, acceptor, true);
      Channel ch = b.bind(target).sync().channel();
      sockets.add(ch);
      if (boundAddress == null) {
        boundAddress = ch.localAddress();
        if (addr instanceof InetSocketAddress a && boundAddress instanceof InetSocketAddress bound && a.getPort() == 0) {
          boundAddress = new InetSocketAddress(a.getAddress(), bound.getPort());
        }
      }
    }
  }

  private ServerBootstrap bootstrap(EventLoop acceptLoop, EventLoopGroup childGroup, Transport transport,
      boolean pipe, ConnectionAcceptor acceptor, boolean reusePort) {
    ServerBootstrap b = new ServerBootstrap()
        .group(acceptLoop, childGroup)
        .channel(pipe ? transport.serverDomainSocketChannel() : transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, config.backlog())
        .childHandler(acceptor);
    if (!pipe) {
      b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
    }
    if (reusePort) {
      if (transport == Transport.EPOLL) {
        b.option(EpollChannelOption.SO_REUSEPORT, true);
      } else if (transport == Transport.IO_URING) {
        b.option(IoUringChannelOption.SO_REUSEPORT, true);
      }
    }
    return b;
  }

  /** Stops accepting new connections; open ones are left to finish or drain. */
  public void stopListening() {
    for (Channel ch : sockets) {
      ch.close();
    }
    sockets.clear();
  }

  /** Starts draining: HTTP connections close after their current response. */
  public void startDraining() {
    draining = true;
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    }
  }

  @Override
  public boolean drainClose() {
    return draining;
  }

  public boolean draining() {
    return draining;
  }

  /** Closes every connection of this listener now. */
  public void closeConnections() {
    connections.close();
  }

  public int activeConnections() {
    return connections.size();
  }
}
