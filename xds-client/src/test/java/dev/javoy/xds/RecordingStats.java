package dev.javoy.xds;

import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts stats events per type and records connected-state changes. */
final class RecordingStats implements XdsStatsListener {
  private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
  final Map<ResourceType<?>, String> versionText = new ConcurrentHashMap<>();
  final BlockingQueue<Boolean> connectedChanges = new LinkedBlockingQueue<>();

  int count(String stat, ResourceType<?> type) {
    AtomicInteger counter = counters.get(type.shortName() + "." + stat);
    return counter == null ? 0 : counter.get();
  }

  private void inc(String stat, ResourceType<?> type) {
    counters.computeIfAbsent(type.shortName() + "." + stat, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void onUpdateAttempt(ResourceType<?> type) {
    inc("update_attempt", type);
  }

  @Override
  public void onUpdateSuccess(ResourceType<?> type, String version, Instant time) {
    inc("update_success", type);
    versionText.put(type, version);
  }

  @Override
  public void onUpdateRejected(ResourceType<?> type, String details) {
    inc("update_rejected", type);
  }

  @Override
  public void onUpdateFailure(ResourceType<?> type, Status status) {
    inc("update_failure", type);
  }

  @Override
  public void onInitFetchTimeout(ResourceType<?> type) {
    inc("init_fetch_timeout", type);
  }

  @Override
  public void onConnectedStateChanged(boolean connected) {
    connectedChanges.add(connected);
  }

  /** Waits for the connected state to change to this value. */
  void awaitConnected(boolean expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Boolean change = left > 0 ? connectedChanges.poll(left, TimeUnit.NANOSECONDS) : null;
      if (change == null) {
        throw new AssertionError("connected state did not become " + expected + " within " + timeout);
      }
      if (change == expected) {
        return;
      }
    }
  }
}
