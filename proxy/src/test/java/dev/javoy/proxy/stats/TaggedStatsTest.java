package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stats created with explicit tags (Istio's metrics) and custom stat namespaces in Prometheus output. */
class TaggedStatsTest {
  @Test
  void taggedCounterKeepsItsTagsWhateverTheExtractorsSay() {
    StatsStore store = new StatsStore();
    List<Tag> tags = List.of(new Tag("reporter", "source"), new Tag("response_code", "200"));
    Counter c = store.taggedCounter("istio.istio_requests_total", tags);
    assertSame(c, store.taggedCounter("istio.istio_requests_total", List.of(new Tag("reporter", "source"),
        new Tag("response_code", "200"))), "one stat per distinct tag set");
    c.add(3);
    assertEquals("istio.istio_requests_total.reporter.source.response_code.200", c.name());
    TaggedName t = TagExtractors.defaults().tagged(c);
    assertEquals("istio.istio_requests_total", t.tagExtractedName());
    assertEquals(tags, t.tags());
  }

  @Test
  void customNamespaceStatsExportWithoutPrefix() {
    StatsStore store = new StatsStore();
    store.registerCustomNamespace("istio");
    store.taggedCounter("istio.istio_requests_total", List.of(new Tag("reporter", "destination"),
        new Tag("destination_service", "reviews.default.svc.cluster.local"))).add(2);
    store.taggedHistogram("istio.istio_request_duration_milliseconds", List.of(new Tag("reporter", "destination")),
        Histogram.Unit.MILLISECONDS).record(7);
    store.counter("cluster.backend.upstream_rq_total").inc();
    String prom = PrometheusFormatter.format(store.all(), new StatsQuery(false, null, StatsQuery.Type.ALL,
        StatsQuery.BucketMode.NONE), TagExtractors.defaults(), store.customNamespaces());
    assertTrue(prom.contains("# TYPE istio_requests_total counter\n"
        + "istio_requests_total{reporter=\"destination\",destination_service=\"reviews.default.svc.cluster.local\"} 2\n"),
        prom);
    assertTrue(prom.contains("istio_request_duration_milliseconds_bucket{reporter=\"destination\",le=\"10\"} 1"), prom);
    assertTrue(prom.contains("istio_request_duration_milliseconds_count{reporter=\"destination\"} 1"), prom);
    assertTrue(prom.contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend\"} 1"), prom);
  }
}
