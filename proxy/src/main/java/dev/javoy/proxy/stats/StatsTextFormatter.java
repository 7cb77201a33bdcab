package dev.javoy.proxy.stats;

import java.util.Collection;
import java.util.List;

/**
 * {@code GET /stats} as Envoy prints it: counters and gauges as {@code name: value} sorted by name, then
 * histograms sorted by name, each either a quantile summary {@code P0(interval,cumulative) P25(...)...},
 * bucket counts {@code B0.5(interval,cumulative) ...}, or {@code No recorded values}.
 *
 * <p>javoy keeps cumulative histograms only, so the interval half of each pair is {@code nan} for quantiles
 * (Envoy's value for an interval without samples) and 0 for bucket counts.
 */
public final class StatsTextFormatter {
  private StatsTextFormatter() {}

  public static String format(Collection<Stat> stats, StatsQuery query) {
    SelectedStats selected = SelectedStats.select(stats, query);
    List<TextReadout> texts = selected.texts();
    List<Stat> numeric = selected.numeric();
    List<Histogram> histograms = selected.histograms();
    StringBuilder out = new StringBuilder(numeric.size() * 48 + histograms.size() * 160);
    for (TextReadout t : texts) { // Envoy prints text readouts first, quoted and HTML-escaped
      out.append(t.name()).append(": \"");
      sanitize(out, t.value());
      out.append("\"\n");
    }
    for (Stat s : numeric) {
      out.append(s.name()).append(": ").append(value(s)).append('\n');
    }
    for (Histogram h : histograms) {
      out.append(h.name()).append(": ");
      appendHistogram(out, h, query.buckets());
      out.append('\n');
    }
    return out.toString();
  }

  /** Envoy's {@code Html::Utility::sanitize}: the characters HTML gives meaning to, as entities. */
  static void sanitize(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
  }

  /** The value of a counter or gauge. */
  static long value(Stat s) {
    if (s instanceof Counter c) {
      return c.value();
    }
    if (s instanceof Gauge g) {
      return g.value();
    }
    throw new IllegalArgumentException("not a counter or gauge: " + s.name());
  }

  private static void appendHistogram(StringBuilder out, Histogram h, StatsQuery.BucketMode mode) {
    if (h.sampleCount() == 0) {
      out.append("No recorded values");
      return;
    }
    long[] counts = HistogramQuantiles.bucketCounts(h);
    if (mode == StatsQuery.BucketMode.NONE) {
      double[] q = HistogramQuantiles.quantiles(counts);
      for (int i = 0; i < q.length; i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append('P').append(HistogramQuantiles.PERCENT_LABELS[i]).append("(nan,")
            .append(StatNumbers.shortest(q[i])).append(')');
      }
      return;
    }
    long[] shown = mode == StatsQuery.BucketMode.CUMULATIVE ? HistogramQuantiles.cumulative(counts) : counts;
    double[] bounds = Histogram.DEFAULT_BUCKETS;
    for (int i = 0; i < bounds.length; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append('B').append(StatNumbers.printfG(bounds[i])).append("(0,").append(shown[i]).append(')');
    }
  }
}
