package dev.javoy.filters.http.local_ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A lock-free token bucket refilled lazily on access, as Envoy's timer-less local rate limit bucket: it holds up to
 * {@code max_tokens}, starts full, and gains {@code tokens_per_fill} every {@code fill_interval} continuously.
 * The whole state is one {@link AtomicLong}: the (nanosecond) time at which the bucket was empty, from which the
 * tokens now are {@code (now - emptyAt) / nanosPerToken}, capped at the maximum. Taking a token moves that time
 * forward by one token's worth with a compare-and-set, so workers never block each other.
 */
final class AtomicTokenBucket {
  /** Bounds the distance between {@code emptyAt} and now, so no arithmetic on it can overflow. */
  private static final double MAX_SPAN_NANOS = Long.MAX_VALUE / 4.0;

  private final long maxTokens;
  private final double nanosPerToken;
  private final LongSupplier clock;
  private final AtomicLong emptyAt;

  /**
   * @param maxTokens the capacity (0: never a token)
   * @param clock a monotonic nanosecond clock ({@link System#nanoTime()} outside tests)
   */
  AtomicTokenBucket(long maxTokens, long tokensPerFill, long fillIntervalNanos, LongSupplier clock) {
    this.maxTokens = maxTokens;
    this.nanosPerToken = (double) fillIntervalNanos / tokensPerFill;
    this.clock = clock;
    this.emptyAt = new AtomicLong(clock.getAsLong() - span(maxTokens));
  }

  /** Takes one token if there is one. */
  boolean tryConsume() {
    if (maxTokens == 0) {
      return false;
    }
    while (true) {
      long e = emptyAt.get();
      long now = clock.getAsLong();
      double tokens = Math.min(maxTokens, (now - e) / nanosPerToken);
      if (tokens < 1) {
        return false;
      }
      if (emptyAt.compareAndSet(e, now - span(tokens - 1))) {
        return true;
      }
    }
  }

  /** The whole tokens available now (for tests and stats). */
  long available() {
    return maxTokens == 0 ? 0 : (long) Math.min(maxTokens, (clock.getAsLong() - emptyAt.get()) / nanosPerToken);
  }

  private long span(double tokens) {
    return (long) Math.min(tokens * nanosPerToken, MAX_SPAN_NANOS);
  }
}
