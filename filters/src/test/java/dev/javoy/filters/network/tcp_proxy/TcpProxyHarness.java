package dev.javoy.filters.network.tcp_proxy;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.ExtensionRegistry;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.listener.ListenerStats;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.NetworkFilter;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tcp.TcpProxyConfig;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A minimal proxy for tests: two worker loops (WorkerThreads), a cluster manager with static clusters, and a
 * listening socket whose accepted channels get a network filter installed, as the listener manager does.
 */
final class TcpProxyHarness implements AutoCloseable, FactoryContext {
  final StatsStore stats = new StatsStore();
  final List<StreamInfo> logged = new CopyOnWriteArrayList<>();
  final AccessLogger logger = logged::add;
  private final Transport transport;
  private final EventLoopGroup workers;
  private final ClusterManager clusters;
  private final ExtensionResolver extensions;
  private final List<Channel> listeners = new ArrayList<>();
  private final AtomicLong connectionIds = new AtomicLong();

  TcpProxyHarness() {
    transport = Transport.select(
        ServerOptions.Transport.valueOf(System.getProperty("javoy.test.transport", "AUTO"))); // AUTO unless a run asks
    Transport.setCurrent(transport);
    AtomicInteger index = new AtomicInteger();
    workers = new MultiThreadIoEventLoopGroup(2, (ThreadFactory) r -> {
      int i = index.getAndIncrement();
      return new WorkerThread(r, "worker-" + i, i, stats.newWorkerSlots());
    }, transport.ioHandlerFactory());
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : workers) {
      e.submit(() -> {}).syncUninterruptibly(); // start the threads in loop order: worker i runs loop i
      loops.add((EventLoop) e);
    }
    clusters = new ClusterManager(new ClusterFactory(stats, loops, (c, p) -> {
      throw new ConfigException(p, "no DNS clusters in this test");
    }));
    extensions = new ExtensionResolver(ExtensionRegistry.load(List.of()));
  }

  /** Adds a STATIC cluster with one endpoint per port (ports may be closed). */
  UpstreamCluster addCluster(String name, String extraJson, int... ports) throws Exception {
    StringBuilder eps = new StringBuilder();
    for (int p : ports) {
      eps.append(eps.length() == 0 ? "" : ", ").append("{\"endpoint\": {\"address\": {\"socket_address\":"
          + " {\"address\": \"127.0.0.1\", \"port_value\": ").append(p).append("}}}}");
    }
    Cluster.Builder b = Cluster.newBuilder();
    JsonFormat.parser().merge("{\"name\": \"" + name + "\", \"connect_timeout\": \"2s\", " + extraJson
        + " \"load_assignment\": {\"endpoints\": [{\"lb_endpoints\": [" + eps + "]}]}}", b);
    UpstreamCluster c = clusters.factory().create(b.build(), "clusters." + name);
    clusters.addStatic(c, "clusters." + name);
    clusters.initialize(() -> {});
    return c;
  }

  static TcpProxy proto(String json) throws Exception {
    TcpProxy.Builder b = TcpProxy.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }

  /** The config of {@code json}, logging to {@link #logged}. */
  TcpProxyConfig config(String json) throws Exception {
    TcpProxyConfig c = TcpProxyConfig.from(proto(json), this);
    return new TcpProxyConfig(c.statPrefix(), c.clusters(), c.idleTimeoutMillis(), c.maxConnectAttempts(),
        c.backoffBaseMillis(), c.backoffMaxMillis(), c.maxDurationMillis(), List.of(logger),
        c.accessLogFlushIntervalMillis(), c.flushAccessLogOnConnected(), c.hashSourceIp());
  }

  /** Listens on a fresh loopback port, installing {@code filter} on each accepted connection. */
  int listen(NetworkFilter filter) throws InterruptedException {
    ListenerStats listenerStats = new ListenerStats(stats.scope("listener.test."));
    Channel ch = new ServerBootstrap()
        .group(workers)
        .channel(transport.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            filter.install(new DownstreamConnection(c, connectionIds.incrementAndGet(), c.localAddress(),
                c.remoteAddress(), "test", "chain", listenerStats, 1 << 20));
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    listeners.add(ch);
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  long counter(String name) {
    return stats.counter(name).value();
  }

  long gauge(String name) {
    return stats.gauge(name).value();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 10 s");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    listeners.forEach(c -> c.close().syncUninterruptibly());
    clusters.shutdown();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public StatsStore stats() {
    return stats;
  }

  @Override
  public ExtensionResolver extensions() {
    return extensions;
  }

  @Override
  public ClusterManager clusterManager() {
    return clusters;
  }

  @Override
  public ServerOptions options() {
    return ServerOptions.defaults();
  }

  @Override
  public String listenerStatPrefix() {
    return "listener.test.";
  }
}
