package dev.javoy.proxy.server;

import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.secret.StaticSecretProvider;
import dev.javoy.proxy.accesslog.AccessLogFiles;
import dev.javoy.proxy.admin.AdminServer;
import dev.javoy.proxy.config.BootstrapSupport;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionRegistry;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.listener.ListenerFactory;
import dev.javoy.proxy.listener.ListenerManager;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.stats.StatsMatchers;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.TagExtractors;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.dns.DnsHostDiscoveryFactory;
import dev.javoy.proxy.xds.XdsBootstrapInput;
import dev.javoy.proxy.xds.XdsResources;
import dev.javoy.proxy.xds.XdsSecretSources;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.secret.SdsSecretProvider;
import dev.javoy.proxy.secret.StaticSecretProvider;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The javoy process (Envoy's {@code Server::InstanceImpl}). The main thread (one event loop) owns config,
 * admin, DNS and, later, xDS; {@code --concurrency} worker event loops each accept on their own socket of every
 * listener and run the connections they accept, with their own upstream pools. Workers read immutable config
 * the main thread built; nothing on the request path takes a lock.
 */
public final class Server {
  private static final Logger LOG = Log.get("main");

  final ServerOptions options;
  final Bootstrap bootstrap;
  final ExtensionRegistry registry;
  final StatsStore stats;
  final TagExtractors tagExtractors;
  final ServerStats serverStats;
  final ClusterManager clusterManager;
  final ListenerManager listenerManager;
  final BootstrapFeatures features;
  final Transport transport;
  final EventLoopGroup mainGroup;
  final EventLoopGroup workers;
  private final DnsHostDiscoveryFactory dnsFactory;
  /** RDS route configurations; null without xDS. */
  private dev.javoy.proxy.http.route.RdsSource rdsSource;
  /** The xDS subscriptions; null when the bootstrap has no dynamic_resources. */
  final XdsResources xds;
  /** Secrets over SDS (the dynamic part of {@link #secrets}). */
  final SdsSecretProvider sds;
  /** static_resources.secrets, falling through to {@link #sds} for secrets with an sds_config. */
  final StaticSecretProvider secrets;
  final long startMillis = System.currentTimeMillis();
  private final CountDownLatch terminated = new CountDownLatch(1);
  /** Set by the first {@link #shutdown}: a start still running stops before its next step. */
  private volatile boolean stopping;
  /** True while {@link #start()} runs: the event loops it binds and connects on must outlive it. */
  private final java.util.concurrent.atomic.AtomicBoolean starting = new java.util.concurrent.atomic.AtomicBoolean();
  /** True once {@link #finish()} has closed everything; the event loops stop after it and after start. */
  private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean loopsStopped = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile ServerInfo.State state = ServerInfo.State.PRE_INITIALIZING;
  private volatile boolean healthCheckFailed;
  private volatile AdminServer admin; // set by start(), read by the shutdown on the main thread

  private Server(ServerOptions options, Bootstrap bootstrap) throws ConfigException {
    this.options = options;
    this.bootstrap = bootstrap;
    BootstrapSupport.check(bootstrap);
    this.registry = CoreTypes.defaultRegistry();
    this.stats = new StatsStore(StatsMatchers.fromConfig(bootstrap.getStatsConfig()));
    this.tagExtractors = TagExtractors.fromConfig(bootstrap.getStatsConfig());
    this.serverStats = new ServerStats(stats);
    serverStats.setState(state);
    serverStats.concurrency.set(options.concurrency());
    this.transport = Transport.select(options.transport());
    Transport.setCurrent(transport);
    this.mainGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("main", false),
        transport.ioHandlerFactory());
    this.workers = new dev.javoy.proxy.event.LoopClockEventLoopGroup(options.concurrency(), workerThreads(stats),
        transport.ioHandlerFactory());
    boolean built = false;
    try {
      var sr = bootstrap.getStaticResources();
      FieldSupport.check(sr, "static_resources", Set.of("listeners", "clusters", "secrets"));
      this.dnsFactory = new DnsHostDiscoveryFactory(mainGroup.next(), stats);
      ClusterFactory clusterFactory = new ClusterFactory(stats, workerLoopsInIndexOrder(workers), dnsFactory);
      clusterFactory.setMainLoop(mainGroup.next()); // outlier detection and health checks run there
      this.clusterManager = new ClusterManager(clusterFactory);
      XdsSecretSources sdsSources = new XdsSecretSources(bootstrap, clusterManager, mainGroup.next(), mainGroup,
          transport, new ProtoJsonParser(registry.anyTypes()));
      sdsSources.setStats(stats); // h-xdsrest: sds.<name>.control_plane.connected_state
      this.sds = new SdsSecretProvider(sdsSources, stats, mainGroup.next(), java.time.Clock.systemUTC());
      this.secrets = StaticSecretProvider.of(sr.getSecretsList(), "static_resources", sds);
      clusterFactory.setSecrets(secrets); // before any cluster is built: transport sockets watch their secrets
      clusterFactory.setUpstreamFilterContext(new ServerFactoryContext(stats, new ExtensionResolver(registry),
          clusterManager, options, "", null, secrets, bootstrap.getNode())); // Cluster.filters
      Set<String> clusterNames = new HashSet<>();
      for (int i = 0; i < sr.getClustersCount(); i++) {
        String p = "static_resources.clusters[" + i + "]";
        clusterManager.addStatic(clusterFactory.create(sr.getClusters(i), p), p);
        clusterNames.add(sr.getClusters(i).getName());
      }
      this.features = new BootstrapFeatures(bootstrap, clusterNames);
      this.listenerManager = new ListenerManager(stats, features.maxGlobalDownstreamConnections);
      ExtensionResolver resolver = new ExtensionResolver(registry);
      // the bootstrap's tracing.http: the tracer of connection managers that name no provider
      dev.javoy.proxy.tracing.TracerProviders tracers = bootstrap.hasTracing()
          ? dev.javoy.proxy.tracing.TracerProviders.fromBootstrap(bootstrap.getTracing(), new ServerFactoryContext(
              stats, resolver, clusterManager, options, "", null, secrets, bootstrap.getNode()))
          : dev.javoy.proxy.tracing.TracerProviders.none();
      ListenerFactory listenerFactory = new ListenerFactory(
          prefix -> new ServerFactoryContext(stats, resolver, clusterManager, options, prefix, rdsSource, secrets,
              bootstrap.getNode(), tracers));
      if (features.hasDynamicResources) {
        EventLoop mainLoop = mainGroup.next();
        this.xds = XdsResources.create(new XdsBootstrapInput(bootstrap, clusterManager, listenerManager,
            new ServerFactoryContext(stats, resolver, clusterManager, options, "", null, secrets, bootstrap.getNode(),
                tracers),
            stats, mainLoop,
            mainGroup, transport));
        sdsSources.setAdsClient(xds::client);
        if (xds.hasClient()) {
          rdsSource = xds;
          clusterFactory.setEdsSource(xds);
        }
        clusterManager.setMainLoop(mainLoop);
        listenerManager.enableDynamic(listenerFactory, workers, transport, mainLoop, options.drainTime().toMillis());
      } else {
        this.xds = null;
      }
      for (int i = 0; i < sr.getListenersCount(); i++) {
        String p = "static_resources.listeners[" + i + "]";
        listenerManager.add(listenerFactory.create(sr.getListeners(i), p), p);
      }
      built = true;
    } finally {
      if (!built) {
        mainGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      }
    }
  }

  private static ThreadFactory workerThreads(StatsStore stats) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      int i = next.getAndIncrement();
      return new WorkerThread(r, "wrk:worker_" + i, i, stats.newWorkerSlots());
    };
  }

  /**
   * The worker loops such that loop i runs on the {@link WorkerThread} with index i: threads are created
   * lazily, so each loop is started in turn before the next.
   */
  private static List<EventLoop> workerLoopsInIndexOrder(EventLoopGroup workers) {
    List<EventLoop> loops = new ArrayList<>();
    for (var e : workers) {
      EventLoop loop = (EventLoop) e;
      loop.submit(() -> { }).syncUninterruptibly();
      loops.add(loop);
    }
    return loops;
  }

  /** Builds everything the bootstrap describes without binding or connecting anything. */
  public static Server create(ServerOptions options, Bootstrap bootstrap) throws ConfigException {
    return new Server(options, bootstrap);
  }

  /** {@code --mode validate}: builds the whole config and throws the first problem found. */
  public static void validate(ServerOptions options, Bootstrap bootstrap) throws ConfigException {
    Server s = new Server(options, bootstrap);
    if (s.xds != null) {
      s.xds.close();
    }
    s.sds.close();
    s.stopEventLoops();
  }

  /**
   * Starts serving: admin, cluster initialization (DNS), then the listeners on the workers once every
   * cluster has its first hosts, as Envoy's init manager orders it. Blocks until listeners are bound.
   */
  public void start() throws Exception {
    if (options.mode() == ServerOptions.Mode.VALIDATE) {
      throw new IllegalStateException("validate mode does not start a server");
    }
    starting.set(true);
    try {
      if (!stopping) {
        startServing();
      }
    } finally {
      starting.set(false);
      if (finished.get()) {
        stopAfterFinish(); // a shutdown finished while we were starting: the loops could not stop under us
      }
    }
  }

  private void startServing() throws Exception {
    setState(ServerInfo.State.INITIALIZING);
    mainGroup.execute(sds::start); // SDS subscriptions of the secrets the config watches
    if (bootstrap.hasAdmin() && bootstrap.getAdmin().hasAddress()) {
      admin = new AdminServer(new ServerAdmin(this), mainGroup);
      admin.start(bootstrap.getAdmin().getAddress()).sync();
      LOG.info("admin address: " + admin.localAddressString());
    }
    CountDownLatch clustersReady = new CountDownLatch(1);
    mainGroup.execute(() -> clusterManager.initialize(clustersReady::countDown));
    if (!awaitUnlessStopping(clustersReady, 60)) {
      LOG.warning("clusters still initializing after 60 s; starting listeners anyway");
    }
    if (stopping) {
      return; // shut down while initializing: bind nothing
    }
    // listeners waiting for SDS secrets bind once they arrive; until then the server stays INITIALIZING
    java.util.concurrent.CompletableFuture<Void> listenersWarm =
        listenerManager.start(workers, transport, mainGroup.next());
    if (stopping) {
      return; // shut down while binding: the listeners bound so far close with the rest
    }
    if (xds != null) {
      // Envoy's init order: static clusters, then CDS with the EDS of its clusters, then LDS with its RDS.
      mainGroup.execute(() -> xds.start(() -> listenersWarm.thenRun(() -> {
        setState(ServerInfo.State.LIVE);
        LOG.info("xDS initialized; javoy is live with " + options.concurrency() + " worker(s) on " + transport);
      })));
      return;
    }
    if (!listenersWarm.isDone()) {
      listenersWarm.thenRun(() -> {
        setState(ServerInfo.State.LIVE);
        LOG.info("listeners warmed; javoy is live with " + options.concurrency() + " worker(s) on " + transport);
      });
      return;
    }
    setState(ServerInfo.State.LIVE);
    LOG.info("all listeners started; javoy is live with " + options.concurrency() + " worker(s) on " + transport);
    if (options.mode() == ServerOptions.Mode.INIT_ONLY) {
      shutdown(false);
    }
  }

  void setState(ServerInfo.State s) {
    state = s;
    serverStats.setState(healthCheckFailed && s == ServerInfo.State.LIVE ? ServerInfo.State.DRAINING : s);
  }

  ServerInfo.State state() {
    return healthCheckFailed && state == ServerInfo.State.LIVE ? ServerInfo.State.DRAINING : state;
  }

  void setHealthCheckFailed(boolean failed) {
    healthCheckFailed = failed;
    listenerManager.setHealthCheckFailed(failed); // h-xdsrest: DEFAULT listeners drain-close meanwhile
    setState(state);
  }

  /**
   * Stops the process. Graceful: listeners drain (HTTP connections close after their current response) for
   * {@code --drain-time-s} (at once with no connections left), then everything closes. Otherwise at once.
   */
  public void shutdown(boolean graceful) {
    if (terminated.getCount() == 0 || mainGroup.isShuttingDown()) {
      return;
    }
    stopping = true;
    listenerManager.refuseBinds(); // a start still binding stops at the next listener
    if (graceful) {
      setState(ServerInfo.State.DRAINING);
      listenerManager.drain(false, false);
      long deadline = System.nanoTime() + options.drainTime().toNanos();
      mainGroup.execute(() -> awaitDrain(deadline, false));
    } else {
      mainGroup.execute(this::finish);
    }
  }

  /**
   * The shutdown drain, every 100 ms on the main thread: done once no connection is left, counted only after the
   * listen sockets had closed one tick earlier (a connection accepted just before the close is tracked by then),
   * or at the deadline. Each tick also closes a listen socket whose bind was still completing when the drain began.
   */
  private void awaitDrain(long deadline, boolean listenersClosedBefore) {
    listenerManager.stopListening(false);
    boolean idle = listenersClosedBefore
        && listenerManager.listeners().stream().allMatch(l -> l.activeConnections() == 0);
    if (idle || System.nanoTime() >= deadline) {
      finish();
    } else {
      boolean closed = listenerManager.listenSocketsClosed();
      mainGroup.schedule(() -> awaitDrain(deadline, closed), 100, TimeUnit.MILLISECONDS);
    }
  }

  /** {@code /drain_listeners}: drains now; a graceful drain stops the listeners after the drain time. */
  void drainListeners(boolean graceful, boolean inboundOnly, boolean skipExit) {
    listenerManager.drain(graceful, inboundOnly);
    if (graceful && !skipExit) {
      mainGroup.schedule(() -> listenerManager.stopListening(inboundOnly),
          options.drainTime().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void finish() {
    if (xds != null) {
      xds.close();
    }
    sds.close();
    listenerManager.shutdown();
    clusterManager.shutdown();
    dnsFactory.close();
    AccessLogFiles files = AccessLogFiles.find(stats);
    if (files != null) {
      files.close(); // flushes what the workers logged last
    }
    if (admin != null) {
      admin.close();
    }
    finished.set(true);
    if (!starting.get()) {
      stopAfterFinish();
    } // else start() is still binding or connecting on the loops: it stops them when it returns
  }

  /**
   * The last step of a shutdown, once {@link #finish()} has run and no {@link #start()} is running (whichever of
   * the two ends last calls it): closes what a concurrent start opened after finish closed everything, then stops
   * the event loops. Stopping them earlier left start's listener binds waiting forever for a loop that was gone.
   */
  private void stopAfterFinish() {
    if (!loopsStopped.compareAndSet(false, true)) {
      return;
    }
    listenerManager.shutdown();
    if (admin != null) {
      admin.close();
    }
    stopEventLoops();
    terminated.countDown();
  }

  /** Awaits {@code latch} for up to {@code seconds}, giving up early once a shutdown began. */
  private boolean awaitUnlessStopping(CountDownLatch latch, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!latch.await(100, TimeUnit.MILLISECONDS)) {
      if (stopping) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
    }
    return true;
  }

  private void stopEventLoops() {
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    mainGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  public void awaitTermination() throws InterruptedException {
    terminated.await();
    workers.terminationFuture().await(5, TimeUnit.SECONDS);
    mainGroup.terminationFuture().await(5, TimeUnit.SECONDS);
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  /** The admin server's address, or null without admin. */
  public SocketAddress adminAddress() {
    return admin == null ? null : admin.localAddress();
  }

  /** Bound addresses of the listeners, in bootstrap order. */
  public List<SocketAddress> listenerAddresses() {
    return listenerManager.listeners().stream().map(l -> l.boundAddress()).toList();
  }

  public StatsStore stats() {
    return stats;
  }

  public ClusterManager clusterManager() {
    return clusterManager;
  }

  /** Named secrets: static_resources.secrets, and SDS for those with an sds_config (main thread). */
  public StaticSecretProvider secrets() {
    return secrets;
  }

  /** The SDS part of {@link #secrets()}. */
  public SdsSecretProvider sds() {
    return sds;
  }

  /** The main thread's event loop: for timers of the process's own housekeeping ({@link CleanFilePages}). */
  public io.netty.channel.EventLoop mainLoop() {
    return mainGroup.next();
  }

  /** Runs {@code task} on the main thread (where secrets are watched and xDS is applied). */
  public void onMainThread(Runnable task) {
    mainGroup.execute(task);
  }
}
