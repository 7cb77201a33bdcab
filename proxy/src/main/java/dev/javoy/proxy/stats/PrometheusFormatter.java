package dev.javoy.proxy.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /stats/prometheus} (and {@code /stats?format=prometheus}) as Envoy writes it: counters, then gauges,
 * then histograms; within each kind one group per tag-extracted name, sorted, with one {@code # TYPE} line and
 * a blank line after the group. The metric name is {@code envoy_} plus the tag-extracted name with every
 * character outside {@code [a-zA-Z0-9_]} replaced by {@code _} (names in a custom stat namespace, such as
 * Istio's {@code istio}, lose the namespace instead and get no prefix); tags become labels the same way.
 * Histograms are cumulative {@code _bucket{le=...}} lines up to {@code +Inf}, then {@code _sum} and
 * {@code _count}.
 */
public final class PrometheusFormatter {
  /** Orders stat names token by token, as Envoy's symbol table does. */
  static final Comparator<String> BY_TOKENS = PrometheusFormatter::compareByTokens;

  private PrometheusFormatter() {}

  public static String format(Collection<Stat> stats, StatsQuery query, TagExtractors extractors,
      Set<String> customNamespaces) {
    List<Stat> counters = new ArrayList<>();
    List<Stat> gauges = new ArrayList<>();
    List<Stat> histograms = new ArrayList<>();
    for (Stat s : stats) {
      if (!query.selects(s) || s instanceof TextReadout) {
        continue; // Envoy's Prometheus output has no text readouts
      }
      if (s instanceof Counter) {
        counters.add(s);
      } else if (s instanceof Gauge) {
        gauges.add(s);
      } else {
        histograms.add(s);
      }
    }
    StringBuilder out = new StringBuilder((counters.size() + gauges.size()) * 96 + histograms.size() * 1200);
    appendKind(out, counters, "counter", extractors, customNamespaces);
    appendKind(out, gauges, "gauge", extractors, customNamespaces);
    appendKind(out, histograms, "histogram", extractors, customNamespaces);
    return out.toString();
  }

  private static void appendKind(StringBuilder out, List<Stat> stats, String type, TagExtractors extractors,
      Set<String> customNamespaces) {
    Map<String, List<Stat>> groups = new TreeMap<>(BY_TOKENS);
    for (Stat s : stats) {
      groups.computeIfAbsent(extractors.tagged(s).tagExtractedName(), k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<Stat>> group : groups.entrySet()) {
      String metric = metricName(group.getKey(), customNamespaces);
      if (metric == null) {
        continue;
      }
      out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
      List<Stat> members = group.getValue();
      Stat.sortByName(members, BY_TOKENS);
      for (Stat s : members) {
        String labels = labels(extractors.tagged(s).tags());
        if (s instanceof Histogram h) {
          appendHistogram(out, metric, labels, h);
        } else {
          out.append(metric).append('{').append(labels).append("} ").append(StatsTextFormatter.value(s))
              .append('\n');
        }
      }
      out.append('\n');
    }
  }

  private static void appendHistogram(StringBuilder out, String metric, String labels, Histogram h) {
    String bucketLabels = labels.isEmpty() ? "" : labels + ",";
    long[] cumulative = HistogramQuantiles.cumulative(HistogramQuantiles.bucketCounts(h));
    double[] bounds = Histogram.DEFAULT_BUCKETS;
    for (int i = 0; i < bounds.length; i++) {
      out.append(metric).append("_bucket{").append(bucketLabels).append("le=\"")
          .append(StatNumbers.printfG(bounds[i], 32)).append("\"} ").append(cumulative[i]).append('\n');
    }
    long count = h.sampleCount();
    out.append(metric).append("_bucket{").append(bucketLabels).append("le=\"+Inf\"} ").append(count).append('\n');
    out.append(metric).append("_sum{").append(labels).append("} ").append(h.sampleSum()).append('\n');
    out.append(metric).append("_count{").append(labels).append("} ").append(count).append('\n');
  }

  /**
   * The Prometheus metric name of a tag-extracted stat name, or null when it has a custom namespace but is not
   * a valid metric name without it.
   */
  static String metricName(String tagExtractedName, Set<String> customNamespaces) {
    int dot = tagExtractedName.indexOf('.');
    if (dot > 0 && customNamespaces.contains(tagExtractedName.substring(0, dot))) {
      String stripped = sanitize(tagExtractedName.substring(dot + 1));
      if (stripped.isEmpty() || Character.isDigit(stripped.charAt(0))) {
        return null;
      }
      return stripped;
    }
    return "envoy_" + sanitize(tagExtractedName);
  }

  /** Replaces every character outside {@code [a-zA-Z0-9_]} with {@code _}. */
  static String sanitize(String name) {
    StringBuilder sb = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok && sb == null) {
        sb = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (sb != null) {
        sb.append(ok ? c : '_');
      }
    }
    return sb == null ? name : sb.toString();
  }

  private static String labels(List<Tag> tags) {
    if (tags.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < tags.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Tag t = tags.get(i);
      sb.append(sanitize(t.name())).append("=\"");
      appendLabelValue(sb, t.value());
      sb.append('"');
    }
    return sb.toString();
  }

  /** A label value with the escapes the exposition format requires (backslash, quote, newline). */
  private static void appendLabelValue(StringBuilder sb, String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
  }

  private static int compareByTokens(String a, String b) {
    String[] ta = a.split("\\.", -1);
    String[] tb = b.split("\\.", -1);
    for (int i = 0; i < Math.min(ta.length, tb.length); i++) {
      int c = ta[i].compareTo(tb[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ta.length, tb.length);
  }
}
