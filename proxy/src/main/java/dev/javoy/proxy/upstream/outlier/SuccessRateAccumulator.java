package dev.javoy.proxy.upstream.outlier;

import java.util.concurrent.atomic.LongAdder;

/**
 * Requests and successes of one host over one outlier detection interval (Envoy's
 * {@code SuccessRateAccumulator}): workers add to the current bucket; at each interval the main thread closes
 * it and reads the closed one.
 */
public final class SuccessRateAccumulator {
  private static final class Bucket {
    final LongAdder total = new LongAdder();
    final LongAdder success = new LongAdder();
  }

  private volatile Bucket current = new Bucket();
  private Bucket closed = new Bucket();

  /** Any worker. */
  void request(boolean success) {
    Bucket b = current;
    b.total.increment();
    if (success) {
      b.success.increment();
    }
  }

  /** Main thread: the current interval ends; its counts become the ones {@link #rateAndVolume} reads. */
  void closeInterval() {
    closed = current;
    current = new Bucket();
  }

  /** Main thread: the success rate (0..100) of the last closed interval, or NaN when it had no request. */
  double successRate() {
    long total = closed.total.sum();
    return total == 0 ? Double.NaN : closed.success.sum() * 100.0 / total;
  }

  long volume() {
    return closed.total.sum();
  }
}
