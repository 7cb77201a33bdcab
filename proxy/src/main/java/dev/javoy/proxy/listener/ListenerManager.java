package dev.javoy.proxy.listener;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All listeners of the process (Envoy's {@code ListenerManager}), owned by the main thread, with the
 * {@code listener_manager.*} stats and the global downstream connection limit of the overload manager.
 */
public final class ListenerManager {
  private final List<ActiveListener> listeners = new ArrayList<>();
  private final AtomicLong globalConnections = new AtomicLong();
  private final long maxGlobalConnections;
  private final Counter listenerAdded;
  private final Counter listenerCreateSuccess;
  private final Gauge totalListenersActive;
  private final Gauge totalListenersDraining;
  private final Gauge workersStarted;

  /** @param maxGlobalConnections {@code global_downstream_max_connections}, or Long.MAX_VALUE */
  public ListenerManager(StatsStore stats, long maxGlobalConnections) {
    this.maxGlobalConnections = maxGlobalConnections;
    listenerAdded = stats.counter("listener_manager.listener_added");
    listenerCreateSuccess = stats.counter("listener_manager.listener_create_success");
    totalListenersActive = stats.gauge("listener_manager.total_listeners_active");
    totalListenersDraining = stats.gauge("listener_manager.total_listeners_draining");
    workersStarted = stats.gauge("listener_manager.workers_started");
    stats.counter("listener_manager.listener_removed");
    stats.counter("listener_manager.listener_modified");
    stats.counter("listener_manager.listener_create_failure");
    stats.gauge("listener_manager.total_listeners_warming");
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
    listeners.add(new ActiveListener(config, this));
    listenerAdded.inc();
  }

  /** Binds every listener on the workers (start-up; may block the calling thread until bound). */
  public void start(EventLoopGroup workers, Transport transport) throws InterruptedException {
    for (ActiveListener l : listeners) {
      l.bind(workers, transport);
      listenerCreateSuccess.inc();
    }
    totalListenersActive.set(listeners.size());
    workersStarted.set(1);
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
      l.startDraining();
      n++;
      if (!graceful) {
        l.stopListening();
      }
    }
    totalListenersDraining.set(n);
  }

  public void stopListening(boolean inboundOnly) {
    for (ActiveListener l : listeners) {
      if (!inboundOnly || l.config().direction() == TrafficDirection.INBOUND) {
        l.stopListening();
      }
    }
  }

  /** Stops accepting and closes every connection (exit). */
  public void shutdown() {
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
