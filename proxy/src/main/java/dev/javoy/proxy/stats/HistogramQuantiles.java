package dev.javoy.proxy.stats;

/**
 * Quantiles and bucket views of a {@link Histogram} for the admin output. Envoy reports the quantiles
 * P0, P25, P50, P75, P90, P95, P99, P99.5, P99.9 and P100; javoy estimates them from the default buckets by
 * linear interpolation inside the bucket holding the quantile (as Envoy's histogram statistics interpolate
 * inside their finer bins). A bucket {@code i} holds values in {@code (bound[i-1], bound[i]]}, the first one
 * from 0; values above the last bound are reported as the last bound.
 */
public final class HistogramQuantiles {
  /** Envoy's supported quantiles. */
  static final double[] SUPPORTED = {0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1};

  /** The quantiles as percent labels, as Envoy prints them ({@code P99.5}). */
  static final String[] PERCENT_LABELS = {"0", "25", "50", "75", "90", "95", "99", "99.5", "99.9", "100"};

  private HistogramQuantiles() {}

  /** Non-cumulative sample counts per bucket, the last entry being the overflow (+Inf) bucket. */
  static long[] bucketCounts(Histogram h) {
    long[] counts = new long[Histogram.DEFAULT_BUCKETS.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = h.bucketCount(i);
    }
    return counts;
  }

  /** Cumulative counts for each finite bucket bound (what Prometheus {@code le} buckets show). */
  static long[] cumulative(long[] counts) {
    long[] out = new long[Histogram.DEFAULT_BUCKETS.length];
    long running = 0;
    for (int i = 0; i < out.length; i++) {
      running += counts[i];
      out[i] = running;
    }
    return out;
  }

  /** The supported quantiles of the recorded samples; all NaN when there are none (Envoy prints "nan"). */
  static double[] quantiles(long[] counts) {
    double[] out = new double[SUPPORTED.length];
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      java.util.Arrays.fill(out, Double.NaN);
      return out;
    }
    for (int q = 0; q < SUPPORTED.length; q++) {
      out[q] = quantile(counts, total, SUPPORTED[q]);
    }
    return out;
  }

  private static double quantile(long[] counts, long total, double q) {
    double[] bounds = Histogram.DEFAULT_BUCKETS;
    double target = q * total;
    long before = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = counts[i];
      if (c == 0) {
        continue;
      }
      if (before + c >= target) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        if (i == bounds.length) {
          return lower; // overflow bucket: no upper bound known
        }
        double upper = bounds[i];
        double fraction = Math.max(0, (target - before) / c);
        return lower + (upper - lower) * fraction;
      }
      before += c;
    }
    return bounds[bounds.length - 1];
  }
}
