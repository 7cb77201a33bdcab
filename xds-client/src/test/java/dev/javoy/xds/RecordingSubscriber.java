package dev.javoy.xds;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** A subscriber that records what it is told, checks it is told on the loop, and rejects on demand. */
final class RecordingSubscriber<T extends Message> implements ResourceSubscriber<T> {
  sealed interface Event permits Update, Error, DoesNotExist {}

  record Update<T>(Map<String, T> changed, Set<String> removed, String version) implements Event {}

  record Error(Status status) implements Event {}

  record DoesNotExist(String name) implements Event {}

  private static final Duration WAIT = Duration.ofSeconds(10);

  final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final EventLoop loop;
  /** Given a resource, a problem to reject it with, or {@code null} to accept it. */
  volatile BiFunction<String, T, String> rejector = (name, resource) -> null;
  volatile String offLoopCall;
  /** The handle of the subscription, set by the harness. */
  volatile Subscription subscription;

  RecordingSubscriber(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public Map<String, String> onResources(Map<String, T> changedOrAdded, Set<String> removed, String version) {
    checkLoop("onResources");
    events.add(new Update<>(Map.copyOf(changedOrAdded), Set.copyOf(removed), version));
    Map<String, String> rejected = new java.util.TreeMap<>();
    changedOrAdded.forEach((name, resource) -> {
      String problem = rejector.apply(name, resource);
      if (problem != null) {
        rejected.put(name, problem);
      }
    });
    return rejected;
  }

  @Override
  public void onError(Status status) {
    checkLoop("onError");
    events.add(new Error(status));
  }

  @Override
  public void onResourceDoesNotExist(String name) {
    checkLoop("onResourceDoesNotExist");
    events.add(new DoesNotExist(name));
  }

  private void checkLoop(String method) {
    if (!loop.inEventLoop()) {
      offLoopCall = method + " on " + Thread.currentThread().getName();
    }
  }

  /** The next update, skipping stream errors. */
  @SuppressWarnings("unchecked")
  Update<T> awaitUpdate() throws InterruptedException {
    return (Update<T>) await(Update.class, WAIT);
  }

  Error awaitError() throws InterruptedException {
    return await(Error.class, WAIT);
  }

  DoesNotExist awaitDoesNotExist() throws InterruptedException {
    return await(DoesNotExist.class, WAIT);
  }

  /** Fails if anything but stream errors arrives within the time. */
  void assertNoUpdate(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      Event event = events.poll(left, TimeUnit.NANOSECONDS);
      if (event != null && !(event instanceof Error)) {
        fail("unexpected " + event);
      }
    }
  }

  private <E extends Event> E await(Class<E> kind, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Event event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (event == null) {
        throw new AssertionError("no " + kind.getSimpleName() + " within " + timeout);
      }
      if (kind.isInstance(event)) {
        return kind.cast(event);
      }
      if (!(event instanceof Error)) {
        throw new AssertionError("expected " + kind.getSimpleName() + " but got " + event);
      }
    }
  }
}
