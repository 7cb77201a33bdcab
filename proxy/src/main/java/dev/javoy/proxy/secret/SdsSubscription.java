package dev.javoy.proxy.secret;

import com.google.protobuf.util.Timestamps;
import dev.javoy.proxy.log.Log;
import dev.javoy.xds.ResourceSubscriber;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One secret from one SDS source (Envoy's {@code SdsApi}): the single subscription that every watcher of the
 * secret shares, its last accepted value (kept when the source removes it), its stats and its last rejection.
 * Main thread only.
 */
final class SdsSubscription implements ResourceSubscriber<Secret> {
  private static final Logger LOG = Log.get("secret");
  private static final long FILE_POLL_MILLIS = 1000;

  private final String name;
  private final SecretSource source;
  private final Duration initialFetchTimeout;
  private final SdsStats stats;
  private final Clock clock;
  private final Runnable onLastWatchClosed;
  private final List<SecretListener> watchers = new ArrayList<>();
  private Runnable cancel;
  private boolean closed;
  private Secret current;
  private String version = "";
  private Instant lastUpdated;
  private UpdateFailureState errorState;
  private boolean fetchTimedOut;
  /** Polls the files the current value names, or null (inline data, or no loop to poll on). */
  private final ScheduledExecutorService loop;
  private ScheduledFuture<?> filePoll;
  private String filesFingerprint;

  SdsSubscription(String name, SecretSource source, Duration initialFetchTimeout, SdsStats stats, Clock clock,
      ScheduledExecutorService loop, Runnable onLastWatchClosed) {
    this.name = name;
    this.loop = loop;
    this.source = source;
    this.initialFetchTimeout = initialFetchTimeout;
    this.stats = stats;
    this.clock = clock;
    this.onLastWatchClosed = onLastWatchClosed;
  }

  /** Subscribes to the source (once). */
  void start() {
    if (cancel == null && !closed) {
      cancel = source.subscribe(name, initialFetchTimeout, this);
    }
  }

  /** Adds a watcher; it hears the current value at once when there is one. */
  SecretWatch addWatcher(SecretListener listener) {
    watchers.add(listener);
    if (current != null) {
      listener.onSecret(current);
    } else if (fetchTimedOut) {
      listener.onInitialFetchTimeout(name);
    }
    boolean[] done = {false};
    return () -> {
      if (!done[0]) {
        done[0] = true;
        removeWatcher(listener);
      }
    };
  }

  private void removeWatcher(SecretListener listener) {
    watchers.remove(listener);
    if (watchers.isEmpty() && !closed) {
      closed = true;
      if (cancel != null) {
        cancel.run();
      }
      stopFileWatch();
      onLastWatchClosed.run();
    }
  }

  @Override
  public Map<String, String> onResources(Map<String, Secret> changed, Set<String> removed, String version) {
    if (closed) {
      return Map.of();
    }
    Secret s = changed.get(name);
    if (s == null) {
      if (removed.contains(name)) {
        LOG.info("SDS: secret '" + name + "' was removed; keeping its last value");
        for (SecretListener w : List.copyOf(watchers)) {
          w.onSecretRemoved(name);
        }
      }
      return Map.of();
    }
    stats.updateAttempt().inc();
    // the files' state before they are read: a change from now on is a rotation
    List<java.nio.file.Path> files = SecretFiles.of(s);
    String fingerprint = SecretFiles.fingerprint(files);
    String problem = SecretValidator.validate(s);
    if (problem == null) {
      problem = deliver(s);
    }
    if (problem != null) {
      String details = "secret '" + name + "': " + problem;
      stats.updateRejected().inc();
      errorState = UpdateFailureState.newBuilder()
          .setFailedConfiguration(dev.javoy.proxy.config.TypedConfigs.pack(s))
          .setLastUpdateAttempt(Timestamps.fromMillis(clock.millis()))
          .setDetails(details)
          .setVersionInfo(version == null ? "" : version)
          .build();
      LOG.warning("SDS: rejected " + details);
      return Map.of(name, details);
    }
    this.version = version == null ? "" : version;
    this.lastUpdated = clock.instant();
    this.errorState = null;
    stats.updateSuccess().inc();
    stats.updateTime().set(lastUpdated.toEpochMilli());
    stats.version().set(SdsStats.versionHash(this.version));
    stats.versionText().set(this.version);
    watchFiles(s, files, fingerprint);
    return Map.of();
  }

  /**
   * Envoy's key rotation: when files the secret names change, they are read and checked again and every watcher
   * hears the secret again (to re-read them); a rotation that fails counts {@code key_rotation_failed} and the
   * watchers keep what they have.
   */
  private void watchFiles(Secret s, List<java.nio.file.Path> files, String fingerprint) {
    stopFileWatch();
    if (files.isEmpty() || loop == null) {
      return;
    }
    filesFingerprint = fingerprint;
    filePoll = loop.scheduleWithFixedDelay(() -> {
      String now = SecretFiles.fingerprint(files);
      if (closed || now.equals(filesFingerprint)) {
        return;
      }
      filesFingerprint = now;
      String problem = SecretValidator.validate(s);
      if (problem == null) {
        problem = deliver(s);
      }
      if (problem != null) {
        stats.keyRotationFailed().inc();
        LOG.warning("SDS: key rotation of secret '" + name + "' failed: " + problem);
      } else {
        LOG.info("SDS: secret '" + name + "' reloaded from its files");
      }
    }, FILE_POLL_MILLIS, FILE_POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Stops watching files (the server is closing). */
  void stop() {
    closed = true;
    stopFileWatch();
  }

  private void stopFileWatch() {
    if (filePoll != null) {
      filePoll.cancel(false);
      filePoll = null;
    }
  }

  /**
   * Tells every watcher. A watcher that cannot use the secret makes the update rejected (NACKed), as an exception
   * from Envoy's secret update callbacks does; the watchers told before it keep the new value, so it stays current.
   */
  private String deliver(Secret s) {
    current = s;
    for (SecretListener w : List.copyOf(watchers)) {
      try {
        w.onSecret(s);
      } catch (RuntimeException e) {
        return "not usable: " + e.getMessage();
      }
    }
    return null;
  }

  @Override
  public void onError(Status status) {
    stats.updateAttempt().inc();
    stats.updateFailure().inc();
  }

  @Override
  public void onResourceDoesNotExist(String missing) {
    stats.updateAttempt().inc();
    stats.initFetchTimeout().inc();
    LOG.warning("SDS: secret '" + name + "' not received within its initial fetch timeout; still waiting");
    fetchTimedOut = true;
    if (current == null) {
      for (SecretListener w : List.copyOf(watchers)) {
        w.onInitialFetchTimeout(name);
      }
    }
  }

  String name() {
    return name;
  }

  /** The accepted value, or null while warming. */
  Secret current() {
    return current;
  }

  String version() {
    return version;
  }

  Instant lastUpdated() {
    return lastUpdated;
  }

  UpdateFailureState errorState() {
    return errorState;
  }

  int watcherCount() {
    return watchers.size();
  }
}
