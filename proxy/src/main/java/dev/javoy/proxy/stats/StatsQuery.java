package dev.javoy.proxy.stats;

import com.google.re2j.Pattern;

/**
 * Which stats an admin stats request shows and how: {@code usedonly}, {@code filter} (RE2, matched anywhere
 * in the full stat name), {@code type} and {@code histogram_buckets}.
 *
 * @param usedOnly only stats that were ever written
 * @param filter a regex the name must contain a match of, or null
 * @param type which kinds of stats
 * @param buckets how histograms are shown in text and JSON
 */
public record StatsQuery(boolean usedOnly, Pattern filter, Type type, BucketMode buckets) {
  /** Envoy's {@code type=} values: {@code All}, {@code Counters}, {@code Gauges}, {@code Histograms}. */
  public enum Type {
    ALL, COUNTERS, GAUGES, HISTOGRAMS, TEXT_READOUTS;

    boolean shows(Stat s) {
      return switch (this) {
        case ALL -> true;
        case COUNTERS -> s instanceof Counter;
        case GAUGES -> s instanceof Gauge;
        case HISTOGRAMS -> s instanceof Histogram;
        case TEXT_READOUTS -> s instanceof TextReadout;
      };
    }
  }

  /** {@code histogram_buckets=none|cumulative|disjoint}. */
  public enum BucketMode { NONE, CUMULATIVE, DISJOINT }

  /** Every stat, histograms as quantile summaries. */
  public static StatsQuery all() {
    return new StatsQuery(false, null, Type.ALL, BucketMode.NONE);
  }

  /** Whether {@code s} passes {@code usedonly} and {@code filter} (not {@code type}). */
  public boolean selects(Stat s) {
    return (!usedOnly || s.used()) && (filter == null || filter.matcher(s.name()).find());
  }
}
