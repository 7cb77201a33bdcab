package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The health checking of one host (Envoy's {@code ActiveHealthCheckSession}): the interval and timeout timers and
 * the state machine that turns check results into the host's {@link Host#FAILED_ACTIVE_HC} flag. Subclasses
 * speak the protocol (HTTP, TCP, gRPC) and report {@link #handleSuccess} or {@link #handleFailure}. Runs on the
 * main event loop only.
 */
abstract class HealthCheckSession {
  protected final HealthChecker parent;
  protected final Host host;
  private ScheduledFuture<?> intervalTimer;
  private ScheduledFuture<?> timeoutTimer;
  private int numHealthy;
  private int numUnhealthy;
  private boolean firstCheck = true;
  /** Incremented for every check started, so late results of an abandoned check are ignored. */
  protected int checkId;
  protected boolean stopped;

  HealthCheckSession(HealthChecker parent, Host host) {
    this.parent = parent;
    this.host = host;
  }

  Host host() {
    return host;
  }

  /** The first check: at once, or after a random part of {@code initial_jitter}. */
  final void start() {
    long jitter = parent.settings().initialJitterMillis();
    if (jitter <= 0) {
      onIntervalBase();
    } else {
      intervalTimer = schedule(this::onIntervalBase, parent.random().nextLong(jitter));
    }
  }

  final void stop() {
    stopped = true;
    cancel(intervalTimer);
    cancel(timeoutTimer);
    intervalTimer = null;
    timeoutTimer = null;
    close();
  }

  private void onIntervalBase() {
    intervalTimer = null;
    if (stopped) {
      return;
    }
    checkId++;
    parent.stats().attempt.inc();
    timeoutTimer = schedule(this::onTimeoutBase, parent.settings().timeoutMillis());
    onInterval();
  }

  private void onTimeoutBase() {
    timeoutTimer = null;
    if (stopped) {
      return;
    }
    checkId++; // whatever arrives for the timed-out check is ignored
    onTimeout();
    handleFailure(HealthCheckFailureType.NETWORK_TIMEOUT, false);
  }

  /** Starts one check. */
  protected abstract void onInterval();

  /** The check timed out: abandon it (typically by closing the connection). */
  protected abstract void onTimeout();

  /** Closes whatever connection the session keeps. */
  protected abstract void close();

  /** The check passed ({@code degraded}: the host asked to be treated as degraded). */
  protected final void handleSuccess(boolean degraded) {
    if (stopped) {
      return;
    }
    cancel(timeoutTimer);
    timeoutTimer = null;
    numUnhealthy = 0;
    HealthTransition changed = HealthTransition.UNCHANGED;
    if (host.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
      // A new host's first passing check makes it healthy at once, as in Envoy.
      if (firstCheck || ++numHealthy == parent.settings().healthyThreshold()) {
        host.healthFlagClear(Host.ACTIVE_HC_TIMEOUT);
        host.healthFlagClear(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL);
        host.healthFlagClear(Host.FAILED_ACTIVE_HC);
        parent.stats().healthy.inc();
        changed = HealthTransition.CHANGED;
      } else {
        changed = HealthTransition.CHANGE_PENDING;
      }
    }
    changed = clearPendingFlag(changed);
    if (degraded != host.healthFlagGet(Host.DEGRADED_ACTIVE_HC)) {
      if (degraded) {
        host.healthFlagSet(Host.DEGRADED_ACTIVE_HC);
        parent.stats().degraded.inc();
      } else {
        host.healthFlagClear(Host.DEGRADED_ACTIVE_HC);
        parent.stats().degraded.dec();
      }
      if (changed == HealthTransition.UNCHANGED) {
        changed = HealthTransition.CHANGED;
      }
    }
    parent.stats().success.inc();
    firstCheck = false;
    parent.onCheckComplete(this, changed, true);
    scheduleNext(HealthCheckSettings.State.HEALTHY, changed);
  }

  /**
   * The check failed. Network failures count towards {@code unhealthy_threshold}; an answer that says
   * unhealthy marks the host unhealthy at once (Envoy's {@code setUnhealthy}).
   */
  protected final void handleFailure(HealthCheckFailureType type, boolean retriable) {
    if (stopped) {
      return;
    }
    cancel(timeoutTimer);
    timeoutTimer = null;
    HealthTransition changed = setUnhealthy(type, retriable);
    scheduleNext(HealthCheckSettings.State.UNHEALTHY, changed);
  }

  /**
   * An upstream response carried {@code x-envoy-immediate-health-check-fail} (reported by a worker, run here on
   * the main thread): the host is excluded and fails at once, a passive failure; the check timers are unchanged.
   */
  final void onImmediateHealthCheckFail() {
    if (stopped) {
      return;
    }
    host.healthFlagSet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL);
    setUnhealthy(HealthCheckFailureType.PASSIVE, false);
  }

  private HealthTransition setUnhealthy(HealthCheckFailureType type, boolean retriable) {
    numHealthy = 0;
    HealthTransition changed = HealthTransition.UNCHANGED;
    boolean network = type == HealthCheckFailureType.NETWORK || type == HealthCheckFailureType.NETWORK_TIMEOUT;
    if (!host.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
      if ((!network && !retriable) || ++numUnhealthy >= parent.settings().unhealthyThreshold()) {
        host.healthFlagSet(Host.FAILED_ACTIVE_HC);
        parent.stats().healthy.dec();
        changed = HealthTransition.CHANGED;
      } else {
        changed = HealthTransition.CHANGE_PENDING;
      }
    }
    if (type == HealthCheckFailureType.NETWORK_TIMEOUT && host.healthFlagGet(Host.FAILED_ACTIVE_HC)) {
      host.healthFlagSet(Host.ACTIVE_HC_TIMEOUT);
    } else {
      host.healthFlagClear(Host.ACTIVE_HC_TIMEOUT);
    }
    changed = clearPendingFlag(changed);
    parent.stats().failure.inc();
    if (network) {
      parent.stats().networkFailure.inc();
    } else if (type == HealthCheckFailureType.PASSIVE) {
      parent.stats().passiveFailure.inc();
    }
    firstCheck = false;
    parent.onCheckComplete(this, changed, false);
    return changed;
  }

  private HealthTransition clearPendingFlag(HealthTransition changed) {
    if (host.healthFlagGet(Host.PENDING_ACTIVE_HC)) {
      host.healthFlagClear(Host.PENDING_ACTIVE_HC);
      return HealthTransition.CHANGED; // so that the cluster recomputes its host lists
    }
    return changed;
  }

  private void scheduleNext(HealthCheckSettings.State state, HealthTransition changed) {
    if (stopped) {
      return;
    }
    cancel(intervalTimer);
    intervalTimer = schedule(this::onIntervalBase,
        parent.settings().nextDelayMillis(state, changed, parent.trafficSeen(), parent.random()));
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
    return parent.loop().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
