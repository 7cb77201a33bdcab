package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsFormattersTest {
  private StatsStore store;

  @BeforeEach
  void setUp() {
    store = new StatsStore();
    store.counter("cluster.backend.upstream_rq_200").add(3);
    store.counter("cluster.other.upstream_rq_200").add(1);
    store.counter("cluster.backend.upstream_rq_503");
    store.gauge("server.live").set(1);
    store.gauge("cluster.backend.upstream_cx_active");
    Histogram h = store.histogram("cluster.backend.upstream_rq_time", Histogram.Unit.MILLISECONDS);
    for (long v : new long[] {1, 1, 3, 70}) {
      h.record(v);
    }
    store.histogram("http.ingress_http.downstream_rq_time", Histogram.Unit.MILLISECONDS);
  }

  private static StatsQuery query(boolean usedOnly, String filter, StatsQuery.Type type) {
    return new StatsQuery(usedOnly, filter == null ? null : Pattern.compile(filter), type, StatsQuery.BucketMode.NONE);
  }

  @Test
  void textIsSortedCountersAndGaugesThenHistograms() {
    // quantiles interpolate inside Envoy's default buckets: samples 1, 1, 3, 70 fill (0.5,1], (1,5], (50,100]
    String text = StatsTextFormatter.format(store.all(), StatsQuery.all());
    assertEquals("cluster.backend.upstream_cx_active: 0\n"
        + "cluster.backend.upstream_rq_200: 3\n"
        + "cluster.backend.upstream_rq_503: 0\n"
        + "cluster.other.upstream_rq_200: 1\n"
        + "server.live: 1\n"
        + "cluster.backend.upstream_rq_time: P0(nan,0.5) P25(nan,0.75) P50(nan,1) P75(nan,5) P90(nan,80)"
        + " P95(nan,90) P99(nan,98) P99.5(nan,99) P99.9(nan,99.8) P100(nan,100)\n"
        + "http.ingress_http.downstream_rq_time: No recorded values\n", text);
  }

  @Test
  void usedOnlyFilterAndType() {
    assertEquals("cluster.backend.upstream_rq_200: 3\ncluster.other.upstream_rq_200: 1\nserver.live: 1\n"
            + "cluster.backend.upstream_rq_time: P0(nan,0.5) P25(nan,0.75) P50(nan,1) P75(nan,5) P90(nan,80)"
            + " P95(nan,90) P99(nan,98) P99.5(nan,99) P99.9(nan,99.8) P100(nan,100)\n",
        StatsTextFormatter.format(store.all(), query(true, null, StatsQuery.Type.ALL)));
    assertEquals("cluster.backend.upstream_rq_200: 3\ncluster.other.upstream_rq_200: 1\n",
        StatsTextFormatter.format(store.all(), query(false, "rq_2", StatsQuery.Type.ALL)));
    assertEquals("server.live: 1\ncluster.backend.upstream_cx_active: 0\n".lines().sorted()
            .reduce("", (a, b) -> a + b + "\n"),
        StatsTextFormatter.format(store.all(), query(false, null, StatsQuery.Type.GAUGES)));
    assertEquals("http.ingress_http.downstream_rq_time: No recorded values\n",
        StatsTextFormatter.format(store.all(), query(false, "http", StatsQuery.Type.HISTOGRAMS)));
  }

  @Test
  void histogramBucketModes() {
    StatsQuery cumulative = new StatsQuery(false, Pattern.compile("upstream_rq_time"), StatsQuery.Type.ALL,
        StatsQuery.BucketMode.CUMULATIVE);
    assertEquals("cluster.backend.upstream_rq_time: B0.5(0,0) B1(0,2) B5(0,3) B10(0,3) B25(0,3) B50(0,3)"
        + " B100(0,4) B250(0,4) B500(0,4) B1000(0,4) B2500(0,4) B5000(0,4) B10000(0,4) B30000(0,4) B60000(0,4)"
        + " B300000(0,4) B600000(0,4) B1.8e+06(0,4) B3.6e+06(0,4)\n",
        StatsTextFormatter.format(store.all(), cumulative));
    StatsQuery disjoint = new StatsQuery(false, Pattern.compile("upstream_rq_time"), StatsQuery.Type.ALL,
        StatsQuery.BucketMode.DISJOINT);
    assertTrue(StatsTextFormatter.format(store.all(), disjoint).startsWith(
        "cluster.backend.upstream_rq_time: B0.5(0,0) B1(0,2) B5(0,1) B10(0,0) B25(0,0) B50(0,0) B100(0,1) "));
  }

  @Test
  void json() throws Exception {
    JsonNode root = new ObjectMapper().readTree(StatsJsonFormatter.format(store.all(), StatsQuery.all()));
    JsonNode stats = root.get("stats");
    assertEquals(6, stats.size());
    assertEquals("cluster.backend.upstream_cx_active", stats.get(0).get("name").asText());
    assertEquals(3, stats.get(1).get("value").asLong());
    JsonNode histograms = stats.get(5).get("histograms");
    assertEquals("[0,25,50,75,90,95,99,99.5,99.9,100]", histograms.get("supported_quantiles").toString());
    JsonNode computed = histograms.get("computed_quantiles");
    assertEquals("cluster.backend.upstream_rq_time", computed.get(0).get("name").asText());
    assertEquals("{\"cumulative\":0.5,\"interval\":null}", computed.get(0).get("values").get(0).toString());
    assertEquals(98, computed.get(0).get("values").get(6).get("cumulative").asDouble());
    assertTrue(computed.get(1).get("values").get(0).get("cumulative").isNull());

    JsonNode countersOnly = new ObjectMapper().readTree(StatsJsonFormatter.format(store.all(),
        query(true, "rq_2", StatsQuery.Type.COUNTERS)));
    assertEquals("{\"stats\":[{\"name\":\"cluster.backend.upstream_rq_200\",\"value\":3},"
        + "{\"name\":\"cluster.other.upstream_rq_200\",\"value\":1}]}", countersOnly.toString());
    assertEquals("{\"stats\":[]}",
        StatsJsonFormatter.format(store.all(), query(false, "nothing", StatsQuery.Type.ALL)));
  }

  @Test
  void prometheusExactLines() {
    String text = PrometheusFormatter.format(store.all(), StatsQuery.all(), TagExtractors.defaults(), Set.of());
    assertTrue(text.startsWith("# TYPE envoy_cluster_upstream_rq counter\n"
        + "envoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"backend\"} 3\n"
        + "envoy_cluster_upstream_rq{envoy_response_code=\"503\",envoy_cluster_name=\"backend\"} 0\n"
        + "envoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"other\"} 1\n"
        + "\n"
        + "# TYPE envoy_cluster_upstream_cx_active gauge\n"
        + "envoy_cluster_upstream_cx_active{envoy_cluster_name=\"backend\"} 0\n"
        + "\n"
        + "# TYPE envoy_server_live gauge\n"
        + "envoy_server_live{} 1\n"
        + "\n"
        + "# TYPE envoy_cluster_upstream_rq_time histogram\n"
        + "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"backend\",le=\"0.5\"} 0\n"
        + "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"backend\",le=\"1\"} 2\n"), text);
    assertTrue(text.contains("envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"backend\",le=\"3600000\"} 4\n"
        + "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"backend\",le=\"+Inf\"} 4\n"
        + "envoy_cluster_upstream_rq_time_sum{envoy_cluster_name=\"backend\"} 75\n"
        + "envoy_cluster_upstream_rq_time_count{envoy_cluster_name=\"backend\"} 4\n\n"), text);
  }

  @Test
  void prometheusParsesLikeAScraper() {
    String text = PrometheusFormatter.format(store.all(), StatsQuery.all(), TagExtractors.defaults(), Set.of());
    PrometheusText parsed = PrometheusText.parse(text);
    assertEquals(List.of("envoy_cluster_upstream_rq", "envoy_cluster_upstream_cx_active", "envoy_server_live",
        "envoy_cluster_upstream_rq_time", "envoy_http_downstream_rq_time"), new ArrayList<>(parsed.families.keySet()));
    assertEquals("counter", parsed.families.get("envoy_cluster_upstream_rq").type());
    assertEquals("gauge", parsed.families.get("envoy_server_live").type());
    for (PrometheusText.Family f : parsed.families.values()) {
      if (!f.type().equals("histogram")) {
        continue;
      }
      double previous = 0;
      double inf = -1;
      double count = -2;
      for (PrometheusText.Sample s : f.samples()) {
        if (s.name().endsWith("_bucket")) {
          assertTrue(s.value() >= previous, "cumulative buckets: " + s);
          previous = s.value();
          if (s.labels().get("le").equals("+Inf")) {
            inf = s.value();
          }
        } else if (s.name().endsWith("_count")) {
          count = s.value();
        }
      }
      assertEquals(inf, count, f.name());
    }
    PrometheusText.Sample unused = parsed.families.get("envoy_http_downstream_rq_time").samples().get(0);
    assertEquals(Map.of("envoy_http_conn_manager_prefix", "ingress_http", "le", "0.5"), unused.labels());
  }

  @Test
  void prometheusUsedOnlyFilterAndCustomNamespace() {
    store.counter("istio.requests_total").add(2);
    PrometheusText used = PrometheusText.parse(PrometheusFormatter.format(store.all(),
        query(true, null, StatsQuery.Type.ALL), TagExtractors.defaults(), Set.of("istio")));
    assertFalse(used.families.containsKey("envoy_cluster_upstream_cx_active"));
    assertFalse(used.families.containsKey("envoy_http_downstream_rq_time"));
    assertEquals(2, used.families.get("requests_total").samples().get(0).value());
    PrometheusText filtered = PrometheusText.parse(PrometheusFormatter.format(store.all(),
        query(false, "^server", StatsQuery.Type.ALL), TagExtractors.defaults(), Set.of()));
    assertEquals(Set.of("envoy_server_live"), filtered.families.keySet());
  }

  @Test
  void prometheusEscapesLabelValuesAndSanitizesNames() {
    StatsStore s = new StatsStore();
    s.counter("cluster.outbound|80||a\"b.upstream_cx_total").inc();
    String text = PrometheusFormatter.format(s.all(), StatsQuery.all(), TagExtractors.defaults(), Set.of());
    assertEquals("# TYPE envoy_cluster_upstream_cx_total counter\n"
        + "envoy_cluster_upstream_cx_total{envoy_cluster_name=\"outbound|80||a\\\"b\"} 1\n\n", text);
    assertEquals("outbound|80||a\"b", PrometheusText.parse(text).families.get("envoy_cluster_upstream_cx_total")
        .samples().get(0).labels().get("envoy_cluster_name"));
    assertEquals("envoy_a_b_c_d", PrometheusFormatter.metricName("a.b-c:d", Set.of()));
  }

  @Test
  void numberFormatting() {
    assertEquals("nan", StatNumbers.shortest(Double.NaN));
    assertEquals("1", StatNumbers.shortest(1.0));
    assertEquals("0.625", StatNumbers.shortest(0.625));
    assertEquals("1e+16", StatNumbers.shortest(1e16));
    assertEquals("3600000", StatNumbers.shortest(3600000));
    assertEquals("1.23457e+06", StatNumbers.printfG(1234567));
    assertEquals("99.5", StatNumbers.printfG(0.995 * 100));
    assertEquals("0.0001", StatNumbers.printfG(0.0001));
    assertEquals("1e-05", StatNumbers.printfG(0.00001));
    assertEquals("3600000", StatNumbers.printfG(3600000, 32));
  }
}
