package dev.javoy.xds;

import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A control plane and a client wired together. The client's state loop is also its transport loop, as on
 * the proxy's main thread; the server has its own loop.
 */
final class Harness implements AutoCloseable {
  static final Node NODE = Node.newBuilder().setId("sidecar~10.1.2.3~app-1.default~default.svc.cluster.local")
      .setCluster("app.default").build();

  final EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  final EventLoop loop = clientGroup.next();
  final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  final ControlPlane controlPlane;
  final RecordingStats stats = new RecordingStats();
  private final boolean unix;
  private final List<RecordingSubscriber<?>> subscribers = new ArrayList<>();
  XdsClient client;

  private Harness(boolean unix, Path socketDir) throws Exception {
    this.unix = unix;
    this.controlPlane = unix
        ? ControlPlane.unix(serverGroup, socketDir.resolve("XDS"))
        : ControlPlane.tcp(serverGroup);
    controlPlane.start();
  }

  static Harness tcp() throws Exception {
    return new Harness(false, null);
  }

  static Harness unix(Path socketDir) throws Exception {
    return new Harness(true, socketDir);
  }

  /** Starts the client; the customizer may change any setting. */
  XdsClient startClient(XdsProtocol protocol, boolean aggregated, Consumer<XdsClientConfig.Builder> customizer) {
    XdsClientConfig.Builder config = XdsClientConfig.builder()
        .node(NODE)
        .server(controlPlane.target())
        .transport(clientGroup, unix ? EpollDomainSocketChannel.class : EpollSocketChannel.class)
        .eventLoop(loop)
        .protocol(protocol)
        .aggregated(aggregated)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .statsListener(stats);
    customizer.accept(config);
    client = XdsClient.create(config.build());
    return client;
  }

  XdsClient startClient(XdsProtocol protocol, boolean aggregated) {
    return startClient(protocol, aggregated, c -> {});
  }

  <T extends Message> RecordingSubscriber<T> subscribe(ResourceType<T> type, String name) {
    return subscribe(type, name, Duration.ZERO);
  }

  <T extends Message> RecordingSubscriber<T> subscribe(ResourceType<T> type, String name, Duration timeout) {
    RecordingSubscriber<T> subscriber = new RecordingSubscriber<>(loop);
    subscribers.add(subscriber);
    subscriber.subscription = client.subscribe(type, name, timeout, subscriber);
    return subscriber;
  }

  XdsClientSnapshot snapshot() throws Exception {
    return client.snapshot().get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
      loop.submit(() -> { }).await(5, TimeUnit.SECONDS); // the close has run
    }
    controlPlane.close();
    // A quiet period lets the server write the trailers of the streams it cancels.
    clientGroup.shutdownGracefully(50, 1000, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
    serverGroup.shutdownGracefully(50, 1000, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
    for (RecordingSubscriber<?> subscriber : subscribers) {
      assertNull(subscriber.offLoopCall, "a callback ran off the event loop");
    }
  }
}
