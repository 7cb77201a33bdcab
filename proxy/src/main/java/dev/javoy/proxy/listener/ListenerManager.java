package dev.javoy.proxy.listener;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.netty.channel.EventLoopGroup;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import dev.javoy.proxy.tls.ListenerTls;

/**
 * All listeners of the process (Envoy's {@code ListenerManager}), owned by the main thread, with the
 * {@code listener_manager.*} stats and the global downstream connection limit of the overload manager.
 */
public final class ListenerManager {
  private final List<ActiveListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The first listener of {@link #listeners} with each name (main thread). */
  private final Map<String, ActiveListener> activeByName = new HashMap<>();
  private boolean reindexScheduled;
  private final AtomicLong globalConnections = new AtomicLong();
  private final long maxGlobalConnections;
  private final Counter listenerAdded;
  private final Counter listenerCreateSuccess;
  private final Gauge totalListenersActive;
  private final Gauge totalListenersDraining;
  private final Gauge workersStarted;
  private final Gauge totalListenersWarming;
  /** LDS listeners waiting for their secrets, by name (Envoy's warming listeners). */
  private final Map<String, ListenerConfig> warmingConfigs = new LinkedHashMap<>();
  private final Counter listenerModified;
  private final Counter listenerRemoved;
  private final Counter listenerCreateFailure;
  private final Set<String> dynamicNames = new HashSet<>();
  private final Map<String, String> versions = new HashMap<>();
  private final Map<String, String> bindFailures = new LinkedHashMap<>();
  private ListenerFactory factory;
  private EventLoopGroup workers;
  private Transport transport;
  private java.util.concurrent.ScheduledExecutorService mainLoop;
  private long drainMillis;
  private int pendingBinds;
  private final List<Runnable> bindWaiters = new java.util.ArrayList<>();
  private ListenerInitTargets initTargets = ListenerInitTargets.NONE;

  /** @param maxGlobalConnections {@code global_downstream_max_connections}, or Long.MAX_VALUE */
  public ListenerManager(StatsStore stats, long maxGlobalConnections) {
    this.maxGlobalConnections = maxGlobalConnections;
    listenerAdded = stats.counter("listener_manager.listener_added");
    listenerCreateSuccess = stats.counter("listener_manager.listener_create_success");
    totalListenersActive = stats.gauge("listener_manager.total_listeners_active");
    totalListenersDraining = stats.gauge("listener_manager.total_listeners_draining");
    workersStarted = stats.gauge("listener_manager.workers_started");
    listenerRemoved = stats.counter("listener_manager.listener_removed");
    listenerModified = stats.counter("listener_manager.listener_modified");
    listenerCreateFailure = stats.counter("listener_manager.listener_create_failure");
    totalListenersWarming = stats.gauge("listener_manager.total_listeners_warming");
  }

  /** Adds a static listener; names and bound addresses must be unique, as in Envoy. */
  public void add(ListenerConfig config, String path) throws ConfigException {
    for (ActiveListener l : listeners) {
      if (l.config().name().equals(config.name()) && !config.name().isEmpty()) {
        throw new ConfigException(path + ".name", "error adding listener: duplicate listener '" + config.name()
            + "' found");
      }
      if (config.bindToPort() && l.config().bindToPort() && l.config().address().equals(config.address())) {
        throw new ConfigException(path + ".address", "error adding listener '" + config.name()
            + "': has duplicate address '" + config.address() + "' as existing listener");
      }
    }
    addListener(new ActiveListener(config, this));
    listenerAdded.inc();
    reindex();
  }

  /** Main-thread context for LDS updates: how to build listeners and where to bind them. */
  public void enableDynamic(ListenerFactory factory, EventLoopGroup workers, Transport transport,
      java.util.concurrent.ScheduledExecutorService mainLoop, long drainMillis) {
    this.factory = factory;
    this.workers = workers;
    this.transport = transport;
    this.mainLoop = mainLoop;
    this.drainMillis = drainMillis;
  }

  /**
   * Applies an LDS update on the main thread (Envoy's listener manager semantics, minus Envoy's habit of
   * draining every connection of a changed listener): a new listener binds on every worker; a changed
   * listener on the same address keeps its sockets and swaps its config, draining only connections whose
   * filter chain changed; a listener whose address changed is replaced; a removed listener drains then
   * closes. Listeners that fail to build or bind are returned with their errors (NACK); the rest apply.
   */
  public Map<String, String> applyDynamic(Map<String, Listener> upserts, Set<String> removed, String version) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (Map.Entry<String, Listener> e : upserts.entrySet()) {
      String name = e.getKey();
      ActiveListener current = byName(name);
      if (current != null && current.config().proto().equals(e.getValue())) {
        cancelWarming(name); // back to the active config
        continue;
      }
      ListenerConfig warm = warmingConfigs.get(name);
      if (warm != null && warm.proto().equals(e.getValue())) {
        continue;
      }
      if (current != null && !dynamicNames.contains(name)) {
        errors.put(name, "listener '" + name + "' is a static listener and cannot be updated by LDS");
        continue;
      }
      ListenerConfig built;
      initTargets.beginListener();
      try {
        built = factory.create(e.getValue(), "");
      } catch (ConfigException ex) {
        initTargets.endListener();
        errors.put(name, ex.getMessage());
        listenerCreateFailure.inc();
        continue;
      }
      CompletableFuture<Void> targetsReady = initTargets.endListener();
      for (ActiveListener other : built.bindToPort() ? listeners : List.<ActiveListener>of()) {
        if (other != current && other.config().bindToPort()
            && other.config().address().equals(built.address())) {
          errors.put(name, "error adding listener '" + name + "': has duplicate address '" + built.address()
              + "' as existing listener");
          built = null;
          break;
        }
      }
      if (built == null) {
        continue;
      }
      versions.put(name, version);
      dynamicNames.add(name);
      ListenerConfig ready = built;
      cancelWarming(name);
      warmingConfigs.put(name, ready);
      pendingBinds++;
      whenWarm(ready, targetsReady, () -> {
        if (warmingConfigs.get(name) != ready) {
          return; // replaced or removed while warming: cancelWarming accounted for it
        }
        pendingBinds--;
        warmingConfigs.remove(name);
        activateDynamic(name, ready, byName(name));
      });
    }
    for (String name : removed) {
      ActiveListener current = byName(name);
      if (cancelWarming(name) && current == null && dynamicNames.remove(name)) {
        versions.remove(name);
        listenerRemoved.inc(); // removed before it ever went active
      }
      if (current != null && dynamicNames.remove(name)) {
        versions.remove(name);
        retire(current);
        listenerRemoved.inc();
      }
    }
    totalListenersActive.set(listeners.size());
    reindex();
    return errors;
  }

  /**
   * Puts a built (and warmed) LDS listener in force: a changed listener on the same address keeps its sockets and
   * swaps its config; otherwise the new listener binds on every worker and replaces {@code current}, if any.
   */
  private void activateDynamic(String name, ListenerConfig built, ActiveListener current) {
    if (current != null && current.config().address().equals(built.address())
        && current.config().bindToPort() == built.bindToPort()) {
      ListenerConfig old = current.config();
      current.update(built, drainMillis);
      listenerModified.inc();
      mainLoop.schedule(() -> ListenerTls.close(old.matcher()), drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
      mainLoop.execute(this::runBindWaiters);
      return;
    }
    ActiveListener next = new ActiveListener(built, this);
    addListener(next);
    listenerAdded.inc();
    pendingBinds++;
    next.bind(workers, transport).whenComplete((ok, err) -> mainLoop.execute(() -> {
      pendingBinds--;
      if (err != null) {
        removeListener(next);
        listenerCreateFailure.inc();
        bindFailures.put(name, err.getMessage());
        ListenerTls.close(built.matcher());
      } else {
        listenerCreateSuccess.inc();
      }
      totalListenersActive.set(listeners.size());
      reindexSoon();
      runBindWaiters();
    }));
    if (current != null) {
      retire(current);
      listenerModified.inc();
    }
    totalListenersActive.set(listeners.size());
    reindexSoon();
  }

  private void runBindWaiters() {
    totalListenersWarming.set(warmingConfigs.size());
    if (pendingBinds == 0 && !bindWaiters.isEmpty()) {
      List<Runnable> ready = List.copyOf(bindWaiters);
      bindWaiters.clear();
      ready.forEach(Runnable::run);
    }
  }

  // ---- warming on RDS (h-xdsrest): Envoy's per-listener init manager ----------------------------------------

  /** Where the RDS route configurations a listener subscribes to while being built are collected (xDS). */
  public void initTargets(ListenerInitTargets targets) {
    this.initTargets = targets;
  }

  /**
   * Runs {@code r} on the main thread once {@code cfg} has its secrets and its other init targets ({@code targets}:
   * route configurations) arrived or timed out; synchronously when all already are. Until then the listener is in
   * {@code dynamic_warming_listeners} and the active version of the same name keeps serving.
   */
  private void whenWarm(ListenerConfig cfg, CompletableFuture<Void> targets, Runnable r) {
    if (targets.isDone()) {
      whenTlsReady(cfg, r);
      return;
    }
    dev.javoy.proxy.log.Log.get("config").info("listener '" + cfg.name()
        + "' warming: waiting for its route configurations");
    totalListenersWarming.set(warmingConfigs.size());
    targets.whenComplete((v, e) -> mainLoop.execute(() -> whenTlsReady(cfg, r)));
  }

  // ---- warming on secrets (h-tls2) ---------------------------------------------------------------------------

  /**
   * Completes once every TLS filter chain of {@code cfg} has its secrets, or a secret's initial fetch timed out
   * (Envoy's listener init manager waiting for its SDS init targets); at once without SDS secrets.
   */
  public static CompletableFuture<Void> tlsReadiness(ListenerConfig cfg) {
    return ListenerTls.whenReady(cfg.matcher());
  }

  /** Drops the warming version of {@code name}, if any: its secret watches stop; returns whether there was one. */
  private boolean cancelWarming(String name) {
    ListenerConfig old = warmingConfigs.remove(name);
    if (old == null) {
      return false;
    }
    ListenerTls.close(old.matcher());
    pendingBinds--;
    totalListenersWarming.set(warmingConfigs.size());
    mainLoop.execute(this::runBindWaiters);
    return true;
  }

  /** LDS listeners waiting for their secrets, by name (a copy; main thread). */
  public Map<String, ListenerConfig> warming() {
    return Map.copyOf(warmingConfigs);
  }

  /** Runs {@code r} on the main thread once {@code cfg} is warm (synchronously when it already is). */
  private void whenTlsReady(ListenerConfig cfg, Runnable r) {
    CompletableFuture<Void> ready = tlsReadiness(cfg);
    if (ready.isDone()) {
      r.run();
    } else {
      totalListenersWarming.set(warmingConfigs.size());
      ready.whenComplete((v, e) -> mainLoop.execute(r));
    }
  }

  /** Drains a replaced or removed listener: it stops accepting now, closes what is left after the drain time and
   *  then stops its secret watches. */
  private void retire(ActiveListener l) {
    removeListener(l);
    reindexSoon();
    l.stopListening();
    l.startDraining();
    mainLoop.schedule(() -> {
      l.closeConnections();
      ListenerTls.close(l.config().matcher());
    }, drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  // ---- hand-off of use_original_dst listeners (Envoy's getBalancedHandlerByAddress) ----------------------------

  /** Listeners by exact address and, for 0.0.0.0 / [::] listeners, by port; rebuilt on the main thread. */
  private record AddressIndex(Map<InetSocketAddress, ActiveListener> exact, Map<Integer, ActiveListener> anyV4,
      Map<Integer, ActiveListener> anyV6) {}

  private volatile AddressIndex addressIndex = new AddressIndex(Map.of(), Map.of(), Map.of());

  /** Rebuilds the address index after the set of listeners (or a bound port) changed. */
  private void reindex() {
    Map<InetSocketAddress, ActiveListener> exact = new HashMap<>();
    Map<Integer, ActiveListener> anyV4 = new HashMap<>();
    Map<Integer, ActiveListener> anyV6 = new HashMap<>();
    for (ActiveListener l : listeners) {
      if (!(l.boundAddress() instanceof InetSocketAddress a) || a.getAddress() == null) {
        continue;
      }
      if (a.getAddress().isAnyLocalAddress()) {
        (a.getAddress() instanceof java.net.Inet6Address ? anyV6 : anyV4).putIfAbsent(a.getPort(), l);
      } else {
        exact.putIfAbsent(a, l);
      }
    }
    addressIndex = new AddressIndex(Map.copyOf(exact), Map.copyOf(anyV4), Map.copyOf(anyV6));
  }

  /**
   * The listener a {@code use_original_dst} listener hands a connection to: the one whose address is the
   * original destination, else the wildcard listener of the same family on its port (listeners with
   * {@code bind_to_port: false} included); null when none. Any thread; no locks.
   */
  ActiveListener listenerForOriginalDst(java.net.SocketAddress destination) {
    if (!(destination instanceof InetSocketAddress d) || d.getAddress() == null) {
      return null;
    }
    AddressIndex idx = addressIndex;
    ActiveListener l = idx.exact().get(d);
    if (l != null) {
      return l;
    }
    if (d.getAddress() instanceof java.net.Inet6Address) {
      return idx.anyV6().get(d.getPort());
    }
    l = idx.anyV4().get(d.getPort());
    return l != null ? l : idx.anyV6().get(d.getPort()); // a dual-stack [::] listener takes IPv4 too
  }

  private ActiveListener byName(String name) {
    return activeByName.get(name);
  }

  private void addListener(ActiveListener l) {
    listeners.add(l);
    activeByName.putIfAbsent(l.config().name(), l);
  }

  private void removeListener(ActiveListener l) {
    listeners.remove(l);
    String name = l.config().name();
    if (activeByName.get(name) == l) {
      activeByName.remove(name);
      for (ActiveListener other : listeners) { // a replacement of the same name, if one is already in
        if (other.config().name().equals(name)) {
          activeByName.put(name, other);
          break;
        }
      }
    }
  }

  /**
   * Rebuilds the address index once, on the main loop, after a batch of changes (one LDS response activates
   * listeners one by one; rebuilding after each would make an update quadratic in the number of listeners).
   */
  private void reindexSoon() {
    if (mainLoop == null) {
      reindex();
      return;
    }
    if (!reindexScheduled) {
      reindexScheduled = true;
      mainLoop.execute(() -> {
        reindexScheduled = false;
        reindex();
      });
    }
  }

  /** Runs {@code r} on the main thread once no listener is still binding (at once if none is). */
  public void whenBound(Runnable r) {
    if (pendingBinds == 0) {
      r.run();
    } else {
      bindWaiters.add(r);
    }
  }

  /** The LDS version of a dynamic listener, or null for static ones. */
  public String version(String name) {
    return versions.get(name);
  }

  /** Asynchronous bind failures of dynamic listeners, by name (reported on the next update). */
  public Map<String, String> takeBindFailures() {
    Map<String, String> out = new LinkedHashMap<>(bindFailures);
    bindFailures.clear();
    return out;
  }

  /** Binds every listener on the workers (start-up; may block the calling thread until bound). */
  public void start(EventLoopGroup workers, Transport transport) throws Exception {
    start(workers, transport, Runnable::run).join();
  }

  /**
   * Binds every listener whose secrets are in on the workers (blocking the calling thread until bound); a listener
   * still waiting for SDS secrets binds on {@code mainLoop} once they arrive. The future completes when every
   * static listener is bound, which holds the server in INITIALIZING as Envoy's init manager does.
   */
  public CompletableFuture<Void> start(EventLoopGroup workers, Transport transport,
      java.util.concurrent.Executor mainLoop) throws Exception {
    List<CompletableFuture<Void>> warming = new java.util.ArrayList<>();
    for (ActiveListener l : listeners) {
      if (bindsRefused) {
        break; // shutting down: the listeners bound so far are closed by shutdown()
      }
      CompletableFuture<Void> ready = tlsReadiness(l.config());
      if (!ready.isDone()) {
        dev.javoy.proxy.log.Log.get("config").info("listener '" + l.config().name()
            + "' warming: waiting for its TLS secrets");
        warming.add(ready.thenComposeAsync(v -> bindWarmed(l, workers, transport, mainLoop), mainLoop));
        continue;
      }
      try {
        l.bind(workers, transport).get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new java.io.IOException("cannot bind listener '" + l.config().name() + "' to "
            + l.config().address() + ": " + e.getCause().getMessage(), e.getCause());
      }
      listenerCreateSuccess.inc();
    }
    totalListenersActive.set(listeners.size());
    totalListenersWarming.set(warming.size());
    reindex();
    workersStarted.set(1);
    return CompletableFuture.allOf(warming.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> bindWarmed(ActiveListener l, EventLoopGroup workers, Transport transport,
      java.util.concurrent.Executor mainLoop) {
    totalListenersWarming.set(totalListenersWarming.value() - 1);
    if (bindsRefused) {
      return CompletableFuture.completedFuture(null); // its secrets arrived after shutdown began
    }
    return l.bind(workers, transport).handleAsync((ok, err) -> { // back on the main thread
      if (err != null) {
        dev.javoy.proxy.log.Log.get("config").severe("cannot bind listener '" + l.config().name()
            + "' to " + l.config().address() + ": " + err.getMessage());
      } else {
        listenerCreateSuccess.inc();
      }
      reindex();
      return null;
    }, mainLoop);
  }

  public List<ActiveListener> listeners() {
    return List.copyOf(listeners);
  }

  /**
   * Starts draining ({@code /drain_listeners}, SIGTERM): HTTP connections close after their current
   * response; the listeners stop accepting at once unless {@code graceful}, in which case the caller stops
   * them at the end of the drain period with {@link #stopListening}.
   */
  public void drain(boolean graceful, boolean inboundOnly) {
    int n = 0;
    for (ActiveListener l : listeners) {
      if (inboundOnly && l.config().direction() != TrafficDirection.INBOUND) {
        continue;
      }
      if (drainsOnServerDrain(l)) {
        l.startDraining();
        n++;
      }
      if (!graceful) {
        l.stopListening();
      }
    }
    totalListenersDraining.set(n);
  }

  /**
   * Envoy's {@code drain_type}: a {@code DEFAULT} listener drains on server-wide drains ({@code /drain_listeners},
   * the shutdown drain) as well as when it is modified or removed; a {@code MODIFY_ONLY} one only when it is
   * modified or removed (LDS), so server-wide drains leave its connections alone (they still stop accepting when
   * the listeners stop).
   */
  static boolean drainsOnServerDrain(ActiveListener l) {
    return l.config().proto().getDrainType() != Listener.DrainType.MODIFY_ONLY;
  }

  private volatile boolean healthCheckFailed;

  /** {@code /healthcheck/fail} (true) and {@code /healthcheck/ok}: DEFAULT listeners drain-close meanwhile. */
  public void setHealthCheckFailed(boolean failed) {
    healthCheckFailed = failed;
  }

  boolean healthCheckFailed() {
    return healthCheckFailed;
  }

  public void stopListening(boolean inboundOnly) {
    for (ActiveListener l : listeners) {
      if (!inboundOnly || l.config().direction() == TrafficDirection.INBOUND) {
        l.stopListening();
      }
    }
  }

  private volatile boolean bindsRefused;

  /**
   * Shutdown began: listeners not bound yet are never bound (a start still binding stops at the next one), so no
   * listen socket is registered on a worker loop that is about to stop.
   */
  public void refuseBinds() {
    bindsRefused = true;
  }

  /** True when every listener has stopped accepting (see {@link ActiveListener#listenSocketsClosed()}). */
  public boolean listenSocketsClosed() {
    for (ActiveListener l : listeners) {
      if (!l.listenSocketsClosed()) {
        return false;
      }
    }
    return true;
  }

  /** Stops accepting and closes every connection (exit). */
  public void shutdown() {
    bindsRefused = true;
    for (ActiveListener l : listeners) {
      l.stopListening();
      l.closeConnections();
    }
  }

  boolean tryAcquireGlobalConnection() {
    if (maxGlobalConnections == Long.MAX_VALUE) {
      return true;
    }
    if (globalConnections.incrementAndGet() > maxGlobalConnections) {
      globalConnections.decrementAndGet();
      return false;
    }
    return true;
  }

  void releaseGlobalConnection() {
    if (maxGlobalConnections != Long.MAX_VALUE) {
      globalConnections.decrementAndGet();
    }
  }
}
