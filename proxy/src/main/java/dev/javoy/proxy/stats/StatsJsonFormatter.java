package dev.javoy.proxy.stats;

import java.util.Collection;
import java.util.List;

/**
 * {@code GET /stats?format=json} as Envoy writes it (compact):
 * {@code {"stats":[{"name":..,"value":..},...,{"histograms":{"supported_quantiles":[0,25,...],
 * "computed_quantiles":[{"name":..,"values":[{"cumulative":..,"interval":null},...]}]}}]}}. With
 * {@code histogram_buckets}, the last element is {@code {"histograms":[{"name":..,"buckets":[{"upper_bound":..,
 * "interval":..,"cumulative":..}]}]}}. Interval values are unknown to javoy: {@code null} quantiles, 0 counts.
 */
public final class StatsJsonFormatter {
  private StatsJsonFormatter() {}

  public static String format(Collection<Stat> stats, StatsQuery query) {
    SelectedStats selected = SelectedStats.select(stats, query);
    List<TextReadout> texts = selected.texts();
    List<Stat> numeric = selected.numeric();
    List<Histogram> histograms = selected.histograms();
    StringBuilder out = new StringBuilder(numeric.size() * 64 + histograms.size() * 400 + 32);
    out.append("{\"stats\":[");
    boolean first = true;
    for (TextReadout t : texts) { // text readouts first, with string values, as Envoy writes them
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"name\":");
      quote(out, t.name());
      out.append(",\"value\":");
      quote(out, t.value());
      out.append('}');
    }
    for (Stat s : numeric) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"name\":");
      quote(out, s.name());
      out.append(",\"value\":").append(StatsTextFormatter.value(s)).append('}');
    }
    if (!histograms.isEmpty()) {
      if (!first) {
        out.append(',');
      }
      if (query.buckets() == StatsQuery.BucketMode.NONE) {
        appendQuantiles(out, histograms);
      } else {
        appendBuckets(out, histograms, query.buckets());
      }
    }
    return out.append("]}").toString();
  }

  private static void appendQuantiles(StringBuilder out, List<Histogram> histograms) {
    out.append("{\"histograms\":{\"supported_quantiles\":[");
    out.append(String.join(",", HistogramQuantiles.PERCENT_LABELS));
    out.append("],\"computed_quantiles\":[");
    for (int h = 0; h < histograms.size(); h++) {
      if (h > 0) {
        out.append(',');
      }
      Histogram histogram = histograms.get(h);
      out.append("{\"name\":");
      quote(out, histogram.name());
      out.append(",\"values\":[");
      double[] q = HistogramQuantiles.quantiles(HistogramQuantiles.bucketCounts(histogram));
      for (int i = 0; i < q.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append("{\"cumulative\":").append(number(q[i])).append(",\"interval\":null}");
      }
      out.append("]}");
    }
    out.append("]}}");
  }

  private static void appendBuckets(StringBuilder out, List<Histogram> histograms, StatsQuery.BucketMode mode) {
    out.append("{\"histograms\":[");
    double[] bounds = Histogram.DEFAULT_BUCKETS;
    for (int h = 0; h < histograms.size(); h++) {
      if (h > 0) {
        out.append(',');
      }
      Histogram histogram = histograms.get(h);
      long[] counts = HistogramQuantiles.bucketCounts(histogram);
      long[] shown = mode == StatsQuery.BucketMode.CUMULATIVE ? HistogramQuantiles.cumulative(counts) : counts;
      out.append("{\"name\":");
      quote(out, histogram.name());
      out.append(",\"buckets\":[");
      for (int i = 0; i < bounds.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append("{\"upper_bound\":").append(number(bounds[i])).append(",\"interval\":0,\"cumulative\":")
            .append(shown[i]).append('}');
      }
      out.append("]}");
    }
    out.append("]}");
  }

  /** A JSON number as Envoy's JSON streamer writes a double ({@code %g}), {@code null} for NaN. */
  private static String number(double v) {
    return Double.isNaN(v) ? "null" : StatNumbers.printfG(v);
  }

  /** Appends {@code s} as a JSON string. */
  static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
