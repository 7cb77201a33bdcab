package dev.javoy.xds;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Envoy's {@code JitteredExponentialBackOffStrategy}: the n-th delay is uniformly random in
 * {@code [0, min(base * 2^n, max))}; a received response resets it to the base.
 */
final class JitteredBackoff {
  private final long baseMillis;
  private final long maxMillis;
  private final LongUnaryOperator random;
  private long nextIntervalMillis;

  /**
   * @param random given a bound {@code n > 0}, returns a value in {@code [0, n)}
   */
  JitteredBackoff(Duration base, Duration max, LongUnaryOperator random) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.maxMillis = Math.max(baseMillis, max.toMillis());
    this.random = random;
    this.nextIntervalMillis = baseMillis;
  }

  /** The delay before the next attempt, in milliseconds. */
  long nextDelayMillis() {
    long interval = nextIntervalMillis;
    nextIntervalMillis = interval > maxMillis / 2 ? maxMillis : interval * 2;
    return Math.min(random.applyAsLong(interval), maxMillis);
  }

  /** Starts again from the base interval (after a successful exchange). */
  void reset() {
    nextIntervalMillis = baseMillis;
  }
}
