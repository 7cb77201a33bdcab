package dev.javoy.proxy.admin;

import dev.javoy.proxy.log.Log;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Envoy's admin interface: an HTTP/1.1 server on {@code admin.address} (a TCP socket address or a
 * {@code pipe}) running on an event loop group it is given (the main thread's), serving the endpoints of
 * {@link AdminEndpoints} from an {@link AdminBackend}. It never blocks its loop: every endpoint answers from
 * memory.
 */
public final class AdminServer {
  private static final Logger LOG = Log.get("admin");
  private static final int MAX_REQUEST_BYTES = 1 << 20;
  private static final int BACKLOG = 128;

  private final EventLoopGroup group;
  private final AdminEndpoints endpoints;
  private volatile Channel channel;

  /**
   * Builds the endpoints and warms up the JSON printer on a background thread: start-up does not wait for it,
   * and by the time a client asks for JSON the class loading is usually done (a request that comes earlier
   * waits for the same initialization it would have done itself).
   */
  public AdminServer(AdminBackend backend, EventLoopGroup group) {
    this.group = group;
    this.endpoints = new AdminEndpoints(backend);
    Thread warmUp = new Thread(ProtoJson::warmUp, "admin-json-warmup");
    warmUp.setDaemon(true);
    warmUp.start();
  }

  /** Adds an endpoint (Envoy's {@code Admin::addHandler}); false when its path is taken. */
  public boolean addEndpoint(AdminEndpoint endpoint) {
    return endpoints.add(endpoint);
  }

  /**
   * Binds to the bootstrap's {@code admin.address}.
   *
   * @throws IllegalArgumentException when the address is not an IP socket address or a pipe
   */
  public ChannelFuture start(Address address) {
    switch (address.getAddressCase()) {
      case SOCKET_ADDRESS: {
        var s = address.getSocketAddress();
        if (s.getProtocol() != Protocol.TCP) {
          throw new IllegalArgumentException("admin address must be TCP: " + address);
        }
        return start(new InetSocketAddress(ipLiteral(s.getAddress()), s.getPortValue()));
      }
      case PIPE:
        return startPipe(address.getPipe());
      default:
        throw new IllegalArgumentException("unsupported admin address: " + address.getAddressCase());
    }
  }

  /** Binds to a TCP address (port 0 picks a free port; see {@link #localAddress()}). */
  public ChannelFuture start(InetSocketAddress address) {
    return bind(address, tcpChannel(), true);
  }

  private ChannelFuture startPipe(Pipe pipe) {
    String path = pipe.getPath();
    if (path.startsWith("@")) {
      if (!isEpoll() && !isIoUring()) {
        throw new IllegalArgumentException("abstract Unix socket " + path + " needs the epoll transport");
      }
      return bind(new DomainSocketAddress("\0" + path.substring(1)), domainChannel(), false);
    }
    try {
      Files.deleteIfExists(Path.of(path)); // a stale socket from an earlier run
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove stale admin socket " + path, e);
    }
    SocketAddress bindTo = isEpoll() || isIoUring() ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    ChannelFuture bound = bind(bindTo, domainChannel(), false);
    if (pipe.getMode() == 0) {
      return bound;
    }
    // The returned future completes once the socket file has its mode (a single chmod at startup).
    ChannelPromise moded = bound.channel().newPromise();
    bound.addListener(f -> {
      if (!f.isSuccess()) {
        moded.setFailure(f.cause());
        return;
      }
      try {
        Files.setPosixFilePermissions(Path.of(path), permissions(pipe.getMode()));
        moded.setSuccess();
      } catch (IOException | UnsupportedOperationException e) {
        moded.setFailure(e);
      }
    });
    return moded;
  }

  private ChannelFuture bind(SocketAddress address, Class<? extends ServerChannel> channelClass, boolean tcp) {
    AdminHttpHandler handler = new AdminHttpHandler(endpoints);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(channelClass)
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), handler);
          }
        });
    if (tcp) {
      b.option(ChannelOption.SO_REUSEADDR, true);
    }
    ChannelFuture f = b.bind(address);
    channel = f.channel();
    f.addListener(done -> {
      if (done.isSuccess()) {
        LOG.info(() -> "admin address: " + localAddressString());
      }
    });
    return f;
  }

  /** The bound address (null before {@link #start}). */
  public SocketAddress localAddress() {
    Channel c = channel;
    return c == null ? null : c.localAddress();
  }

  /** The bound address as Envoy prints it ({@code 127.0.0.1:15000}, {@code [::1]:15000}, a socket path). */
  public String localAddressString() {
    SocketAddress a = localAddress();
    if (a instanceof InetSocketAddress inet) {
      String ip = inet.getAddress().getHostAddress();
      return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + inet.getPort();
    }
    if (a instanceof DomainSocketAddress d) {
      return d.path().startsWith("\0") ? "@" + d.path().substring(1) : d.path();
    }
    return a instanceof UnixDomainSocketAddress u ? u.getPath().toString() : String.valueOf(a);
  }

  /** Serves one request in-process, without a connection (Envoy's {@code AdminImpl::request}). */
  public AdminResponse request(String method, String pathAndQuery) {
    return endpoints.dispatch(AdminRequest.parse(method, pathAndQuery));
  }

  /** Stops listening (open admin connections finish on their own). */
  public ChannelFuture close() {
    Channel c = channel;
    return c == null ? null : c.close();
  }

  private Class<? extends ServerChannel> tcpChannel() {
    if (isEpoll()) {
      return EpollServerSocketChannel.class;
    }
    return isIoUring() ? IoUringServerSocketChannel.class : NioServerSocketChannel.class;
  }

  private Class<? extends ServerChannel> domainChannel() {
    if (isEpoll()) {
      return EpollServerDomainSocketChannel.class;
    }
    return isIoUring() ? IoUringServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
  }

  private boolean isEpoll() {
    return Epoll.isAvailable() && group instanceof IoEventLoopGroup g && g.isIoType(EpollIoHandler.class);
  }

  private boolean isIoUring() {
    return IoUring.isAvailable() && group instanceof IoEventLoopGroup g && g.isIoType(IoUringIoHandler.class);
  }

  /** Envoy requires an IP literal for the admin address (no DNS lookups). */
  private static InetAddress ipLiteral(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      throw new IllegalArgumentException("malformed IP address: " + address);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("malformed IP address: " + address, e);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }
}
