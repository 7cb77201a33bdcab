package dev.javoy.proxy.admin;

import static dev.javoy.proxy.admin.AdminEndpoint.Param;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.javoy.proxy.stats.PrometheusFormatter;
import dev.javoy.proxy.stats.StatsJsonFormatter;
import dev.javoy.proxy.stats.StatsQuery;
import dev.javoy.proxy.stats.StatsTextFormatter;
import java.util.List;

/**
 * {@code /stats} (text, {@code format=json}, {@code format=prometheus}) and {@code /stats/prometheus}, with
 * Envoy's parameters ({@code usedonly}, {@code filter}, {@code type}, {@code histogram_buckets}) and Envoy's
 * 400 answers for bad ones.
 */
final class StatsEndpoints {
  private final AdminBackend backend;

  StatsEndpoints(AdminBackend backend) {
    this.backend = backend;
  }

  List<AdminEndpoint> endpoints() {
    Param usedOnly = Param.of("usedonly", "Only include stats that have been written by system since restart");
    Param filter = Param.of("filter", "Regular expression (Google re2) for filtering stats");
    return List.of(
        AdminEndpoint.get("/stats", "print server stats", this::stats, usedOnly, filter,
            Param.oneOf("format", "Format to use", "text", "json", "prometheus"),
            Param.oneOf("type", "Stat types to include.", "All", "Counters", "Histograms", "Gauges",
                "TextReadouts"),
            Param.oneOf("histogram_buckets", "Histogram bucket display mode", "cumulative", "disjoint",
                "none")),
        AdminEndpoint.get("/stats/prometheus", "print server stats in prometheus format", this::prometheus,
            usedOnly,
            Param.of("text_readouts", "Render text_readouts as new gaugues with value 0 (increases Prometheus "
                + "data size)"),
            filter,
            Param.oneOf("histogram_buckets", "Histogram bucket display mode", "cumulative", "summary")));
  }

  private AdminResponse stats(AdminRequest r) {
    Pattern filter;
    try {
      filter = filter(r);
    } catch (PatternSyntaxException e) {
      return AdminResponse.text(400, "Invalid re2 regex");
    }
    StatsQuery.BucketMode buckets = switch (String.valueOf(r.value("histogram_buckets"))) {
      case "null", "none" -> StatsQuery.BucketMode.NONE;
      case "cumulative" -> StatsQuery.BucketMode.CUMULATIVE;
      case "disjoint" -> StatsQuery.BucketMode.DISJOINT;
      default -> null;
    };
    if (buckets == null) {
      return AdminResponse.text(400, "usage: /stats?histogram_buckets=(cumulative|disjoint|none)\n");
    }
    StatsQuery.Type type = r.has("type") ? type(r.params().get("type")) : StatsQuery.Type.ALL;
    if (type == null) {
      return AdminResponse.text(400, "invalid &type= param");
    }
    StatsQuery query = new StatsQuery(r.has("usedonly"), filter, type, buckets);
    String format = r.value("format");
    if (format == null || format.equals("text")) {
      return AdminResponse.ok(StatsTextFormatter.format(backend.stats().all(), query));
    }
    return switch (format) {
      case "json" -> AdminResponse.json(StatsJsonFormatter.format(backend.stats().all(), query));
      case "prometheus" -> AdminResponse.ok(prometheusText(query));
      case "html", "active-html" -> AdminResponse.text(400,
          "HTML output was disabled by building with --define=admin_html=disabled");
      default -> AdminResponse.text(400, "usage: /stats?format=(html|active-html|json|prometheus|text)\n\n");
    };
  }

  private AdminResponse prometheus(AdminRequest r) {
    try {
      StatsQuery query = new StatsQuery(r.has("usedonly"), filter(r), StatsQuery.Type.ALL,
          StatsQuery.BucketMode.NONE);
      return AdminResponse.ok(prometheusText(query));
    } catch (PatternSyntaxException e) {
      return AdminResponse.text(400, "Invalid re2 regex");
    }
  }

  private String prometheusText(StatsQuery query) {
    return PrometheusFormatter.format(backend.stats().all(), query, backend.tagExtractors(),
        backend.customStatNamespaces());
  }

  private static Pattern filter(AdminRequest r) {
    String f = r.params().get("filter");
    return f == null ? null : Pattern.compile(f);
  }

  private static StatsQuery.Type type(String value) {
    return switch (value) {
      case "All" -> StatsQuery.Type.ALL;
      case "Counters" -> StatsQuery.Type.COUNTERS;
      case "Gauges" -> StatsQuery.Type.GAUGES;
      case "Histograms" -> StatsQuery.Type.HISTOGRAMS;
      case "TextReadouts" -> StatsQuery.Type.TEXT_READOUTS;
      default -> null;
    };
  }
}
