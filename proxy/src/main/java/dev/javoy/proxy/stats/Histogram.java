package dev.javoy.proxy.stats;

/**
 * A distribution of values (Envoy histogram), recorded into Envoy's default buckets. Each bucket is a slot,
 * plus one slot for the sample count and one for the sum, so recording is a few plain adds on the worker.
 */
public final class Histogram extends Stat {
  /** Envoy's default histogram bucket upper bounds. */
  public static final double[] DEFAULT_BUCKETS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
    3600000
  };

  /** Unit of recorded values, as Envoy's {@code Histogram::Unit}. */
  public enum Unit { UNSPECIFIED, BYTES, MICROSECONDS, MILLISECONDS, PERCENT }

  private final Unit unit;

  Histogram(StatsStore store, String name, int firstId, Unit unit) {
    super(store, name, firstId);
    this.unit = unit;
  }

  Histogram(StatsStore store, String suffix, int firstId, Unit unit, StatFamily family) {
    super(store, suffix, firstId, family);
    this.unit = unit;
  }

  /** Slots used: one per bucket, then +Inf, then the count and the sum. */
  static int slotCount() {
    return DEFAULT_BUCKETS.length + 3;
  }

  public void record(long value) {
    int b = 0;
    while (b < DEFAULT_BUCKETS.length && value > DEFAULT_BUCKETS[b]) {
      b++;
    }
    store.add(id + b, 1);
    store.add(id + DEFAULT_BUCKETS.length + 1, 1);
    store.add(id + DEFAULT_BUCKETS.length + 2, value);
  }

  public Unit unit() {
    return unit;
  }

  /** Non-cumulative count of samples in bucket {@code i} ({@code i == DEFAULT_BUCKETS.length} is +Inf). */
  public long bucketCount(int i) {
    return store.sum(id + i);
  }

  public long sampleCount() {
    return store.sum(id + DEFAULT_BUCKETS.length + 1);
  }

  public long sampleSum() {
    return store.sum(id + DEFAULT_BUCKETS.length + 2);
  }
}
