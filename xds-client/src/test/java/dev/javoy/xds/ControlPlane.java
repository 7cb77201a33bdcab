package dev.javoy.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The real xDS server of these tests: java-control-plane's {@link V3DiscoveryServer} over a
 * {@link SimpleCache}, served by grpc-netty on TCP or a Unix socket, recording every request it gets.
 * It can be stopped and started again at the same address.
 */
final class ControlPlane implements AutoCloseable {
  static final String GROUP = "javoy-test";

  final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  /** Every request, in arrival order; tests clear it to look only at what comes next. */
  final List<Object> history = new CopyOnWriteArrayList<>();
  /** Runs on the server's thread for each SotW request, before the server acts on it. */
  volatile Consumer<DiscoveryRequest> sotwHook = r -> {};
  volatile Consumer<DeltaDiscoveryRequest> deltaHook = r -> {};

  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> channelType;
  private SocketAddress address;
  private Server server;
  private SslContext serverTls;

  private ControlPlane(EventLoopGroup group, SocketAddress address, Class<? extends ServerChannel> channelType) {
    this.group = group;
    this.address = address;
    this.channelType = channelType;
  }

  /** On 127.0.0.1, an ephemeral port (kept across restarts). */
  static ControlPlane tcp(EventLoopGroup epollGroup) {
    return new ControlPlane(epollGroup, new InetSocketAddress("127.0.0.1", 0), EpollServerSocketChannel.class);
  }

  static ControlPlane unix(EventLoopGroup epollGroup, Path socket) {
    return new ControlPlane(epollGroup, new DomainSocketAddress(socket.toString()),
        EpollServerDomainSocketChannel.class);
  }

  /** Serves TLS with this server context from the next start on. */
  void useTls(SslContext context) {
    this.serverTls = context;
  }

  void start() throws IOException {
    if (address instanceof DomainSocketAddress uds) {
      Files.deleteIfExists(Path.of(uds.path()));
    }
    V3DiscoveryServer discovery = new V3DiscoveryServer(new Recorder(), cache);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
    if (serverTls != null) {
      builder.sslContext(serverTls);
    }
    if (address instanceof DomainSocketAddress) {
      builder.withChildOption(ChannelOption.SO_KEEPALIVE, null); // no TCP keepalive on a Unix socket
    }
    server = builder
        .channelType(channelType)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        .withOption(ChannelOption.SO_REUSEADDR, true)
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .addService(discovery.getListenerDiscoveryServiceImpl())
        .addService(discovery.getClusterDiscoveryServiceImpl())
        .addService(discovery.getRouteDiscoveryServiceImpl())
        .addService(discovery.getEndpointDiscoveryServiceImpl())
        .addService(discovery.getSecretDiscoveryServiceImpl())
        .build()
        .start();
    if (address instanceof InetSocketAddress) {
      address = server.getListenSockets().get(0);
    }
  }

  /** Kills the server: listening socket and every stream. */
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      server = null;
    }
  }

  SocketAddress address() {
    return address;
  }

  XdsServerTarget target() {
    return XdsServerTarget.of(address);
  }

  void setSnapshot(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  /** The first SotW request so far matching (see {@link #history}); waits for one up to the timeout. */
  DiscoveryRequest awaitSotw(Predicate<DiscoveryRequest> matching, Duration timeout) throws InterruptedException {
    return await(DiscoveryRequest.class, matching, timeout);
  }

  DeltaDiscoveryRequest awaitDelta(Predicate<DeltaDiscoveryRequest> matching, Duration timeout)
      throws InterruptedException {
    return await(DeltaDiscoveryRequest.class, matching, timeout);
  }

  private <R> R await(Class<R> kind, Predicate<R> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Object request : history) {
        if (kind.isInstance(request) && matching.test(kind.cast(request))) {
          return kind.cast(request);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching " + kind.getSimpleName() + " within " + timeout + "; got " + history);
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private final class Recorder implements DiscoveryServerCallbacks {
    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      history.add(request);
      sotwHook.accept(request);
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      history.add(request);
      deltaHook.accept(request);
    }
  }
}
