package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import io.netty.channel.EventLoop;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * A cluster's active health checking (Envoy's {@code HealthCheckerImplBase}): one {@link HealthCheckSession} per
 * host, all on the main event loop. New hosts start with {@code FAILED_ACTIVE_HC | PENDING_ACTIVE_HC}; the
 * cluster's initialization waits until every initial host has had its first result.
 */
public final class HealthChecker {
  /** Told about every check result (main thread). */
  public interface Listener {
    /** @param passed whether the check passed; {@code changed} whether the host's health changed */
    void onHostCheckComplete(Host host, HealthTransition changed, boolean passed);
  }

  private final HealthCheckSpec spec;
  private final EventLoop loop;
  private final HealthCheckStats stats;
  private final BooleanSupplier trafficSeen;
  private final Listener listener;
  private final SplittableRandom random = new SplittableRandom();
  private final Map<Host, HealthCheckSession> sessions = new IdentityHashMap<>();
  private final Map<Host, Boolean> awaitingFirstResult = new IdentityHashMap<>();
  private Runnable onFirstRound;
  private boolean stopped;

  /**
   * @param trafficSeen whether the cluster ever opened a connection (else the no-traffic intervals apply)
   */
  public HealthChecker(HealthCheckSpec spec, EventLoop loop, HealthCheckStats stats, BooleanSupplier trafficSeen,
      Listener listener) {
    this.spec = spec;
    this.loop = loop;
    this.stats = stats;
    this.trafficSeen = trafficSeen;
    this.listener = listener;
  }

  HealthCheckSettings settings() {
    return spec.settings();
  }

  HealthCheckSpec spec() {
    return spec;
  }

  HealthCheckStats stats() {
    return stats;
  }

  EventLoop loop() {
    return loop;
  }

  SplittableRandom random() {
    return random;
  }

  boolean trafficSeen() {
    return trafficSeen.getAsBoolean();
  }

  /**
   * The first membership (main thread): starts checking every host; {@code firstRoundDone} runs once each of
   * them has a first result (at once when there is no host).
   */
  public void start(List<Host> hosts, Runnable firstRoundDone) {
    onFirstRound = firstRoundDone;
    for (Host h : hosts) {
      awaitingFirstResult.put(h, Boolean.TRUE);
    }
    onHostsChanged(hosts);
    maybeFirstRoundDone();
  }

  /** The membership changed (main thread): sessions start for new hosts and stop for hosts that left. */
  public void onHostsChanged(List<Host> hosts) {
    if (stopped) {
      return;
    }
    Map<Host, Boolean> present = new IdentityHashMap<>();
    for (Host h : hosts) {
      present.put(h, Boolean.TRUE);
    }
    sessions.entrySet().removeIf(e -> {
      if (present.containsKey(e.getKey())) {
        return false;
      }
      Host gone = e.getKey();
      if (!gone.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
        stats.healthy.dec();
      }
      if (gone.healthFlagGet(Host.DEGRADED_ACTIVE_HC)) {
        stats.degraded.dec();
      }
      e.getValue().stop();
      awaitingFirstResult.remove(gone);
      return true;
    });
    for (Host h : hosts) {
      if (!sessions.containsKey(h)) {
        if (!h.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
          h.healthFlagSet(Host.FAILED_ACTIVE_HC | Host.PENDING_ACTIVE_HC);
        }
        HealthCheckSession s = spec.newSession(this, h);
        sessions.put(h, s);
        s.start();
      }
    }
    maybeFirstRoundDone();
  }

  /** A worker saw {@code x-envoy-immediate-health-check-fail} from {@code host} (main thread). */
  public void onImmediateHealthCheckFail(Host host) {
    HealthCheckSession s = sessions.get(host);
    if (s != null) {
      s.onImmediateHealthCheckFail();
    }
  }

  /** Whether {@code host} has a session (it is checked). */
  public boolean checks(Host host) {
    return sessions.containsKey(host);
  }

  void onCheckComplete(HealthCheckSession s, HealthTransition changed, boolean passed) {
    listener.onHostCheckComplete(s.host(), changed, passed);
    if (awaitingFirstResult.remove(s.host()) != null) {
      maybeFirstRoundDone();
    }
  }

  private void maybeFirstRoundDone() {
    if (onFirstRound != null && awaitingFirstResult.isEmpty()) {
      Runnable r = onFirstRound;
      onFirstRound = null;
      r.run();
    }
  }

  public void stop() {
    stopped = true;
    sessions.values().forEach(HealthCheckSession::stop);
    sessions.clear();
  }
}
