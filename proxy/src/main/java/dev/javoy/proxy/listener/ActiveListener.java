package dev.javoy.proxy.listener;

import dev.javoy.proxy.network.DrainDecision;
import dev.javoy.proxy.network.DrainEvent;
import dev.javoy.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A listener bound on the workers: with epoll or io_uring each worker has its own {@code SO_REUSEPORT} socket
 * and accepts on its own loop (Envoy's model); with NIO one socket accepts and hands connections out.
 */
public final class ActiveListener implements DrainDecision {
  private volatile ListenerConfig config;
  private final ListenerManager manager;
  private final List<Channel> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<io.netty.channel.ChannelFuture> closingSockets = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile boolean draining;
  /** The filter chain a connection was accepted on. */
  static final AttributeKey<FilterChain> FILTER_CHAIN = AttributeKey.valueOf("javoy.filterChain");
  private SocketAddress boundAddress;
  private final ConnectionAcceptor acceptor;

  ActiveListener(ListenerConfig config, ListenerManager manager) {
    this.config = config;
    this.manager = manager;
    this.acceptor = new ConnectionAcceptor(this);
  }

  /** Accepts this listener's connections, and those handed over to it by a {@code use_original_dst} listener. */
  ConnectionAcceptor acceptor() {
    return acceptor;
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

  /**
   * Binds on every worker without blocking the caller; the future completes once every socket is bound (or
   * fails, with the sockets bound so far closed). With port 0 the first bind picks the port the others share.
   */
  CompletableFuture<Void> bind(EventLoopGroup workers, Transport transport) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ListenerConfig cfg = config;
    if (!cfg.bindToPort()) {
      done.complete(null);
      return done;
    }
    String optionError = cfg.socketOptions().apply(new ServerBootstrap(), transport);
    if (optionError != null) {
      done.completeExceptionally(new java.io.IOException(optionError));
      return done;
    }
    boolean pipe = cfg.address() instanceof DomainSocketAddress;
    List<EventLoop> loops = new ArrayList<>();
    if (pipe || !transport.supportsReusePort() || !cfg.reusePort()) {
      loops.add(workers.next());
      bindNext(loops, 0, workers, transport, pipe, acceptor, false, done);
    } else {
      workers.forEach(e -> loops.add((EventLoop) e));
      bindNext(loops, 0, null, transport, false, acceptor, true, done);
    }
    return done;
  }

  private void bindNext(List<EventLoop> loops, int i, EventLoopGroup childGroup, Transport transport, boolean pipe,
      ConnectionAcceptor acceptor, boolean reusePort, CompletableFuture<Void> done) {
    if (i == loops.size()) {
      done.complete(null);
      return;
    }
    EventLoop loop = loops.get(i);
    SocketAddress target = boundAddress == null ? config.address() : boundAddress;
    ServerBootstrap b = bootstrap(loop, childGroup == null ? loop : childGroup, transport, pipe, acceptor, reusePort);
    b.bind(target).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        stopListening();
        done.completeExceptionally(f.cause());
        return;
      }
      Channel ch = f.channel();
      sockets.add(ch);
      if (boundAddress == null) {
        boundAddress = ch.localAddress();
        if (config.address() instanceof InetSocketAddress a && boundAddress instanceof InetSocketAddress bound) {
          boundAddress = new InetSocketAddress(a.getAddress(), bound.getPort());
        }
      }
      bindNext(loops, i + 1, childGroup, transport, pipe, acceptor, reusePort, done);
    });
  }

  /**
   * Takes a new config for the same address (LDS update): new connections use it at once; connections whose
   * filter chain is unchanged (the same chain config) keep running untouched — Envoy drains them all — and the
   * others drain. Returns the connections drained.
   */
  int update(ListenerConfig next, long drainMillis) {
    Set<io.envoyproxy.envoy.config.listener.v3.FilterChain> kept = new HashSet<>();
    for (FilterChain fc : next.matcher().chains()) {
      kept.add(fc.config());
    }
    if (next.matcher().defaultChain() != null) {
      kept.add(next.matcher().defaultChain().config());
    }
    this.config = next;
    int drained = 0;
    for (Channel ch : connections) {
      FilterChain chain = ch.attr(FILTER_CHAIN).get();
      if (chain == null || !kept.contains(chain.config())) {
        drain(ch);
        ch.eventLoop().schedule(() -> {
          ch.close();
        }, drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        drained++;
      }
    }
    return drained;
  }

  private static void drain(Channel ch) {
    ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
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
    config.socketOptions().apply(b, transport);
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
      closingSockets.add(ch.close());
    }
    sockets.clear();
  }

  /**
   * True when no listen socket is open and those {@link #stopListening()} closed have finished closing on their
   * loops: no connection is accepted after this (one accepted before it is tracked on its loop right after).
   */
  public boolean listenSocketsClosed() {
    closingSockets.removeIf(io.netty.util.concurrent.Future::isDone);
    return sockets.isEmpty() && closingSockets.isEmpty();
  }

  /** Starts draining: HTTP connections close after their current response. */
  public void startDraining() {
    draining = true;
    for (Channel ch : connections) {
      drain(ch);
    }
  }

  @Override
  public boolean drainClose() {
    // Envoy's DrainManagerImpl: a DEFAULT listener also drain-closes while the server fails health checks
    return draining || manager.healthCheckFailed() && ListenerManager.drainsOnServerDrain(this);
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
