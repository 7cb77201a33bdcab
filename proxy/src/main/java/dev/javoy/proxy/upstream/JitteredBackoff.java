package dev.javoy.proxy.upstream;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's jittered exponential back-off ({@code JitteredExponentialBackOffStrategy}): each delay is random in
 * {@code [0, interval)}, and the interval doubles from {@code base} up to {@code max}. One instance per retrying
 * thing; not thread-safe.
 */
public final class JitteredBackoff {
  private final long baseMillis;
  private final long maxMillis;
  private long intervalMillis;

  /** @param maxMillis 0 for Envoy's default of ten times {@code baseMillis} */
  public JitteredBackoff(long baseMillis, long maxMillis) {
    if (baseMillis <= 0) {
      throw new IllegalArgumentException("base interval must be positive");
    }
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis > 0 ? maxMillis : baseMillis * 10;
    this.intervalMillis = baseMillis;
  }

  public long nextDelayMillis() {
    long interval = intervalMillis;
    intervalMillis = intervalMillis > maxMillis / 2 ? maxMillis : intervalMillis * 2;
    return Math.min(ThreadLocalRandom.current().nextLong(interval), maxMillis);
  }

  public void reset() {
    intervalMillis = baseMillis;
  }
}
