package dev.javoy.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The event loop transport of the process: epoll by default on Linux, io_uring on request, NIO only where
 * neither native transport loads. Every channel javoy opens (listeners, upstream connections) uses the
 * channel classes of the same transport, so an upstream connection can live on the downstream's loop.
 */
public enum Transport {
  EPOLL, IO_URING, NIO;

  private static volatile Transport current;

  /** The transport of the running process (set once by the server at start). */
  public static Transport current() {
    Transport t = current;
    if (t == null) {
      throw new IllegalStateException("no transport selected yet");
    }
    return t;
  }

  public static void setCurrent(Transport t) {
    current = t;
  }

  /** Picks the transport for {@code requested}, falling back (with the reason logged by the caller). */
  public static Transport select(ServerOptions.Transport requested) {
    switch (requested) {
      case IO_URING:
        if (IoUring.isAvailable()) {
          return IO_URING;
        }
        throw new IllegalStateException("io_uring requested but unavailable: " + IoUring.unavailabilityCause());
      case EPOLL:
        if (Epoll.isAvailable()) {
          return EPOLL;
        }
        throw new IllegalStateException("epoll requested but unavailable: " + Epoll.unavailabilityCause());
      case NIO:
        return NIO;
      default:
        return Epoll.isAvailable() ? EPOLL : NIO;
    }
  }

  public IoHandlerFactory ioHandlerFactory() {
    return switch (this) {
      case EPOLL -> EpollIoHandler.newFactory();
      case IO_URING -> IoUringIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
  }

  public Class<? extends ServerChannel> serverChannel() {
    return switch (this) {
      case EPOLL -> EpollServerSocketChannel.class;
      case IO_URING -> IoUringServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  public Class<? extends Channel> socketChannel() {
    return switch (this) {
      case EPOLL -> EpollSocketChannel.class;
      case IO_URING -> IoUringSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  /** Unix domain socket channels exist on epoll only (Envoy's {@code pipe} addresses). */
  public boolean supportsDomainSockets() {
    return this == EPOLL;
  }

  public Class<? extends Channel> domainSocketChannel() {
    if (this != EPOLL) {
      throw new UnsupportedOperationException("Unix domain sockets need the epoll transport");
    }
    return EpollDomainSocketChannel.class;
  }

  public Class<? extends ServerChannel> serverDomainSocketChannel() {
    if (this != EPOLL) {
      throw new UnsupportedOperationException("Unix domain sockets need the epoll transport");
    }
    return EpollServerDomainSocketChannel.class;
  }

  /** Whether each worker can bind its own socket to a listener's address ({@code SO_REUSEPORT}). */
  public boolean supportsReusePort() {
    return this != NIO;
  }
}
