package dev.javoy.proxy.xds;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.route.RdsRouteProvider;
import dev.javoy.proxy.http.route.RdsSource;
import dev.javoy.proxy.http.route.RouteTableFactory;
import dev.javoy.proxy.listener.ListenerManager;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.EdsSource;
import dev.javoy.xds.ResourceSubscriber;
import dev.javoy.xds.ResourceType;

import dev.javoy.xds.XdsClient;
import dev.javoy.xds.XdsClientConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Configuration from a management server (Envoy's xDS subscriptions on the proxy side): CDS and LDS wildcard
 * subscriptions applied to the cluster and listener managers, EDS for EDS clusters, RDS for connection
 * managers with {@code rds}. Validation is the building of the resources: what fails to build is returned to
 * the client, which NACKs it naming each resource while the rest applies. Everything runs on the main thread.
 * Initialization follows Envoy: CDS first (and the EDS of its clusters), then LDS.
 */
public final class XdsResources implements EdsSource, RdsSource, dev.javoy.proxy.listener.ListenerInitTargets {
  private static final Logger LOG = Log.get("config");

  private final XdsClient client;
  private final ClusterManager clusters;
  private final ListenerManager listeners;
  private final FactoryContext routeContext;
  private final Duration ldsTimeout;
  private final Duration cdsTimeout;
  private final Map<String, RdsRouteConfigSubscription> routes = new LinkedHashMap<>();
  private final Map<String, EcdsFilterSubscription> httpFilterConfigs = new LinkedHashMap<>();
  private final StatsStore stats;
  /** Envoy's error_state of listeners, clusters and route configurations whose last update was rejected. */
  private final ErrorStates listenerErrors = new ErrorStates();
  private final ErrorStates clusterErrors = new ErrorStates();
  private final ErrorStates routeErrors = new ErrorStates();
  /** Route configurations subscribed to that have not arrived yet (listeners warm on them at start). */
  private final Set<String> routesPending = new java.util.HashSet<>();
  private final java.util.List<Runnable> routeWaiters = new java.util.ArrayList<>();
  /** Route configurations the listener being built subscribes to (its init targets), null between listeners. */
  private java.util.List<java.util.concurrent.CompletableFuture<Void>> listenerTargets;

  private final java.nio.file.Path ldsPath;
  private final java.nio.file.Path cdsPath;
  private final dev.javoy.proxy.config.ProtoJsonParser fileParser;
  private final io.netty.channel.EventLoop mainLoop;
  private final java.util.List<FileResourceSource<?>> fileSources = new java.util.ArrayList<>();

  private XdsResources(XdsClient client, ClusterManager clusters, ListenerManager listeners,
      FactoryContext routeContext, Duration ldsTimeout, Duration cdsTimeout, java.nio.file.Path ldsPath,
      java.nio.file.Path cdsPath, io.netty.channel.EventLoop mainLoop, StatsStore stats) {
    this.client = client;
    this.stats = stats;
    this.ldsPath = ldsPath;
    this.cdsPath = cdsPath;
    this.mainLoop = mainLoop;
    this.fileParser = new dev.javoy.proxy.config.ProtoJsonParser(
        routeContext.extensions().registry().anyTypes());
    this.clusters = clusters;
    this.listeners = listeners;
    this.routeContext = routeContext;
    this.ldsTimeout = ldsTimeout;
    this.cdsTimeout = cdsTimeout;
  }

  /** Creates the client (nothing connects yet) from the bootstrap's dynamic resources. */
  public static XdsResources create(XdsBootstrapInput in) throws ConfigException {
    XdsBootstrap.Settings s = XdsBootstrap.settings(in.bootstrap(), in.clusters(), in.mainLoop(),
        in.transportGroup(), in.transport());
    XdsClient client = s.client() == null ? null
        : XdsClient.create(s.client().statsListener(new XdsStats(in.stats())).build());
    XdsResources xds = new XdsResources(client, in.clusters(), in.listeners(), in.routeContext(),
        s.ldsInitialFetchTimeout(), s.cdsInitialFetchTimeout(), s.ldsPath(), s.cdsPath(), in.mainLoop(),
        in.stats());
    if (client != null) {
      in.listeners().initTargets(xds); // LDS listeners warm on their RDS route configurations
    }
    return xds;
  }

  /** Whether a management server is configured (EDS and RDS need one). */
  public boolean hasClient() {
    return client != null;
  }

  /**
   * Subscribes to CDS, waits for its clusters to warm, then subscribes to LDS; {@code initialized} runs once
   * the first listener update was applied (or timed out), on the main thread.
   */
  public void start(Runnable initialized) {
    Runnable[] once = {initialized};
    Runnable ready = () -> {
      if (once[0] != null) {
        Runnable r = once[0];
        once[0] = null;
        r.run();
      }
    };
    boolean[] ldsStarted = {false};
    Runnable startLds = () -> {
      if (!ldsStarted[0]) {
        ldsStarted[0] = true;
        subscribeAll(ResourceType.LISTENER, ldsPath, ldsTimeout, new LdsSubscriber(ready));
      }
    };
    subscribeAll(ResourceType.CLUSTER, cdsPath, cdsTimeout, new CdsSubscriber(() -> clusters.whenWarm(startLds)));
  }

  /** A wildcard subscription to the management server, or a watched file when {@code path} is set. */
  private <T extends com.google.protobuf.Message> void subscribeAll(ResourceType<T> type, java.nio.file.Path path,
      Duration timeout, ResourceSubscriber<T> subscriber) {
    if (path != null) {
      FileResourceSource<T> source = new FileResourceSource<>(path, type, subscriber, fileParser, mainLoop);
      fileSources.add(source);
      source.start();
    } else if (client != null) {
      client.subscribe(type, ResourceType.WILDCARD, timeout, subscriber);
    } else {
      subscriber.onResourceDoesNotExist(ResourceType.WILDCARD); // the type is not configured
    }
  }

  private final class CdsSubscriber implements ResourceSubscriber<Cluster> {
    private final Runnable firstUpdate;
    private boolean first = true;

    CdsSubscriber(Runnable firstUpdate) {
      this.firstUpdate = firstUpdate;
    }

    @Override
    public Map<String, String> onResources(Map<String, Cluster> changed, Set<String> removed, String version) {
      Map<String, String> errors = clusters.applyDynamic(changed, removed, version);
      logRejections("CDS", errors);
      clusterErrors.record(changed, removed, errors, version);
      afterFirst();
      return errors;
    }

    @Override
    public void onResourceDoesNotExist(String name) {
      afterFirst();
    }

    private void afterFirst() {
      if (first) {
        first = false;
        firstUpdate.run();
      }
    }
  }

  private final class LdsSubscriber implements ResourceSubscriber<Listener> {
    private final Runnable firstUpdate;

    LdsSubscriber(Runnable firstUpdate) {
      this.firstUpdate = firstUpdate;
    }

    @Override
    public Map<String, String> onResources(Map<String, Listener> changed, Set<String> removed, String version) {
      Map<String, String> errors = new LinkedHashMap<>(listeners.takeBindFailures());
      errors.putAll(listeners.applyDynamic(changed, removed, version));
      logRejections("LDS", errors);
      listenerErrors.record(changed, removed, errors, version);
      listeners.whenBound(() -> whenRoutesReady(firstUpdate));
      return errors;
    }

    @Override
    public void onResourceDoesNotExist(String name) {
      firstUpdate.run();
    }
  }

  @Override
  public EdsSource.Subscription subscribe(String serviceName, EdsSource.Subscriber subscriber) {
    dev.javoy.xds.Subscription s = client.subscribe(ResourceType.CLUSTER_LOAD_ASSIGNMENT, serviceName, cdsTimeout,
        new ResourceSubscriber<ClusterLoadAssignment>() {
          @Override
          public Map<String, String> onResources(Map<String, ClusterLoadAssignment> changed, Set<String> removed,
              String version) {
            Map<String, String> errors = new LinkedHashMap<>();
            ClusterLoadAssignment a = changed.get(serviceName);
            if (a != null) {
              String error = subscriber.onAssignment(a);
              if (error != null) {
                errors.put(serviceName, error);
              }
            } else if (removed.contains(serviceName)) {
              subscriber.onMissing();
            }
            logRejections("EDS", errors);
            return errors;
          }

          @Override
          public void onResourceDoesNotExist(String name) {
            subscriber.onMissing();
          }
        });
    return s::cancel;
  }

  @Override
  public RdsRouteProvider provider(String name) {
    return provider(name, "");
  }

  /**
   * The shared provider of route configuration {@code name}; the first connection manager asking for it
   * subscribes, and its {@code stat_prefix} roots the RDS stats.
   */
  @Override
  public RdsRouteProvider provider(String name, String statPrefix) {
    RdsRouteConfigSubscription e = routes.get(name);
    if (e != null) {
      if (listenerTargets != null) {
        listenerTargets.add(e.initialized);
      }
      return e.provider();
    }
    RdsRouteConfigSubscription sub = new RdsRouteConfigSubscription(name, new RdsRouteProvider(name),
        new RouteTableFactory(routeContext), RdsStats.of(stats, statPrefix, name), routeErrors,
        () -> routeReady(name));
    routesPending.add(name);
    routes.put(name, sub);
    if (listenerTargets != null) {
      listenerTargets.add(sub.initialized);
    }
    sub.subscription = client.subscribe(ResourceType.ROUTE_CONFIGURATION, name, ldsTimeout, sub);
    return sub.provider();
  }

  @Override
  public dev.javoy.proxy.http.filter.HttpFilterDiscovery httpFilterDiscovery() {
    return this::subscribeHttpFilter;
  }

  /** ECDS: subscribes an HTTP filter with {@code config_discovery}; the listener being built warms on it. */
  private void subscribeHttpFilter(dev.javoy.proxy.http.filter.DynamicHttpFilterConfig filter,
      io.envoyproxy.envoy.config.core.v3.ConfigSource source, boolean warm) {
    EcdsFilterSubscription sub = httpFilterConfigs.get(filter.name());
    boolean created = sub == null;
    if (created) {
      sub = new EcdsFilterSubscription(filter.name(), stats);
      httpFilterConfigs.put(filter.name(), sub);
    }
    sub.add(filter);
    if (warm && listenerTargets != null) {
      listenerTargets.add(filter.initialized());
    }
    if (created) {
      sub.subscription = client.subscribe(ResourceType.EXTENSION_CONFIG, filter.name(),
          XdsBootstrap.fetchTimeout(source), sub);
    }
  }

  /** An accepted ECDS resource of HTTP filters, for {@code /config_dump}'s {@code ecds_filter_http}. */
  public record HttpFilterResource(String version, io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig config,
      long lastUpdatedMillis) {}

  /** The accepted ECDS resources of HTTP filters. */
  public java.util.List<HttpFilterResource> httpFilterConfigs() {
    java.util.List<HttpFilterResource> out = new java.util.ArrayList<>();
    httpFilterConfigs.values().forEach(s -> {
      if (s.last() != null) {
        out.add(new HttpFilterResource(s.version(), s.last(), s.lastUpdatedMillis()));
      }
    });
    return out;
  }

  @Override
  public void beginListener() {
    listenerTargets = new java.util.ArrayList<>();
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> endListener() {
    java.util.List<java.util.concurrent.CompletableFuture<Void>> targets = listenerTargets;
    listenerTargets = null;
    if (targets == null || targets.stream().allMatch(java.util.concurrent.CompletableFuture::isDone)) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    return java.util.concurrent.CompletableFuture.allOf(
        targets.toArray(java.util.concurrent.CompletableFuture[]::new));
  }

  /** Runs {@code r} once every route configuration asked for so far arrived (or is known to be absent). */
  private void whenRoutesReady(Runnable r) {
    if (routesPending.isEmpty()) {
      r.run();
    } else {
      routeWaiters.add(r);
    }
  }

  private void routeReady(String name) {
    RdsRouteConfigSubscription sub = routes.get(name);
    if (sub != null) {
      sub.initialized.complete(null); // listeners warming on it may go active
    }
    if (routesPending.remove(name) && routesPending.isEmpty() && !routeWaiters.isEmpty()) {
      java.util.List<Runnable> ready = java.util.List.copyOf(routeWaiters);
      routeWaiters.clear();
      ready.forEach(Runnable::run);
    }
  }

  /** RDS route configurations in force, for {@code /config_dump}. */
  public Map<String, RdsRouteProvider> routeProviders() {
    Map<String, RdsRouteProvider> out = new LinkedHashMap<>();
    routes.forEach((k, v) -> out.put(k, v.provider()));
    return out;
  }

  /** When route configuration {@code name} was last accepted (epoch millis), 0 when never. */
  public long routeLastUpdatedMillis(String name) {
    RdsRouteConfigSubscription s = routes.get(name);
    return s == null ? 0 : s.lastUpdatedMillis();
  }

  /** Listeners whose last update was rejected, for {@code /config_dump}'s {@code error_state}. */
  public ErrorStates listenerErrors() {
    return listenerErrors;
  }

  public ErrorStates clusterErrors() {
    return clusterErrors;
  }

  public ErrorStates routeErrors() {
    return routeErrors;
  }

  public XdsClient client() {
    return client;
  }

  public void close() {
    fileSources.forEach(FileResourceSource::stop);
    if (client != null) {
      client.close();
    }
  }

  private static void logRejections(String type, Map<String, String> errors) {
    errors.forEach((name, error) -> LOG.warning(type + ": rejected " + name + ": " + error));
  }
}
