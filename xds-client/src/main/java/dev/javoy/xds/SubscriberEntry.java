package dev.javoy.xds;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One subscriber of one name (or of the wildcard) and its initial fetch timer. Confined to the client's
 * event loop except {@link #cancel()}, which hops onto it.
 */
final class SubscriberEntry<T extends Message> implements Subscription {
  private static final Logger logger = Logger.getLogger("javoy.config");

  final ResourceType<T> type;
  final String name;
  final ResourceSubscriber<T> subscriber;
  final Duration initialFetchTimeout;
  private final Consumer<SubscriberEntry<T>> canceller;

  /** Has had its initial delivery from the cache; until then updates skip it. */
  boolean ready;
  boolean cancelled;
  /** Its initial fetch is over: the resource arrived, or the timeout fired. */
  boolean fetchDone;
  ScheduledFuture<?> fetchTimer;

  SubscriberEntry(ResourceType<T> type, String name, ResourceSubscriber<T> subscriber,
      Duration initialFetchTimeout, Consumer<SubscriberEntry<T>> canceller) {
    this.type = type;
    this.name = name;
    this.subscriber = subscriber;
    this.initialFetchTimeout = initialFetchTimeout;
    this.canceller = canceller;
  }

  boolean isWildcard() {
    return ResourceType.WILDCARD.equals(name);
  }

  @Override
  public void cancel() {
    canceller.accept(this);
  }

  @Override
  public String toString() {
    return type + " subscription of " + name;
  }

  /**
   * Hands resources to the subscriber; returns what it rejected, restricted to what it was given. A
   * subscriber that throws rejects everything it was given.
   */
  Rejections deliver(Map<String, T> changed, Set<String> removed, String version) {
    Rejections rejections = new Rejections();
    if (cancelled) {
      return rejections;
    }
    Map<String, String> answer;
    try {
      answer = subscriber.onResources(changed, removed, version);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, type + " subscriber of " + name + " failed", e);
      changed.keySet().forEach(n -> rejections.add(n, "subscriber failed: " + e));
      return rejections;
    }
    if (answer != null) {
      answer.forEach((n, problem) -> {
        if (changed.containsKey(n)) {
          rejections.add(n, problem);
        } else {
          logger.warning(() -> type + " subscriber of " + name + " rejected " + n
              + ", which it was not given; ignored");
        }
      });
    }
    return rejections;
  }

  void notifyError(Status status) {
    if (cancelled) {
      return;
    }
    try {
      subscriber.onError(status);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, type + " subscriber of " + name + " failed on a stream error", e);
    }
  }

  void notifyDoesNotExist() {
    if (cancelled) {
      return;
    }
    try {
      subscriber.onResourceDoesNotExist(name);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, type + " subscriber of " + name + " failed on does-not-exist", e);
    }
  }

  /** The initial fetch is over; stops the timer. */
  void fetchCompleted() {
    fetchDone = true;
    stopTimer();
  }

  void stopTimer() {
    if (fetchTimer != null) {
      fetchTimer.cancel(false);
      fetchTimer = null;
    }
  }
}
