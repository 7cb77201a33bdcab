package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Envoy's text readouts ({@code cluster_manager.cds.version_text}) in the admin's stats outputs. */
class TextReadoutTest {
  private static StatsQuery query(boolean usedOnly, StatsQuery.Type type) {
    return new StatsQuery(usedOnly, null, type, StatsQuery.BucketMode.NONE);
  }

  private static StatsStore store() {
    StatsStore store = new StatsStore();
    store.counter("cluster_manager.cds.update_success").add(2);
    store.textReadout("cluster_manager.cds.version_text").set("2026-11-22T03:00:00Z/7");
    store.textReadout("listener_manager.lds.version_text");
    return store;
  }

  @Test
  void textPrintsTextReadoutsFirstQuoted() {
    assertEquals("cluster_manager.cds.version_text: \"2026-11-22T03:00:00Z/7\"\n"
            + "listener_manager.lds.version_text: \"\"\n"
            + "cluster_manager.cds.update_success: 2\n",
        StatsTextFormatter.format(store().all(), StatsQuery.all()));
    assertEquals("cluster_manager.cds.version_text: \"2026-11-22T03:00:00Z/7\"\n"
            + "cluster_manager.cds.update_success: 2\n",
        StatsTextFormatter.format(store().all(), query(true, StatsQuery.Type.ALL)));
    assertEquals("cluster_manager.cds.version_text: \"2026-11-22T03:00:00Z/7\"\n"
            + "listener_manager.lds.version_text: \"\"\n",
        StatsTextFormatter.format(store().all(), query(false, StatsQuery.Type.TEXT_READOUTS)));
    assertEquals("cluster_manager.cds.update_success: 2\n",
        StatsTextFormatter.format(store().all(), query(false, StatsQuery.Type.COUNTERS)));
  }

  @Test
  void htmlCharactersAreEscapedAsEnvoySanitizes() {
    StatsStore store = new StatsStore();
    store.textReadout("t").set("a\"<b>&'");
    assertEquals("t: \"a&quot;&lt;b&gt;&amp;&#39;\"\n", StatsTextFormatter.format(store.all(), StatsQuery.all()));
  }

  @Test
  void jsonHasStringValuesFirst() throws Exception {
    JsonNode stats = new ObjectMapper().readTree(StatsJsonFormatter.format(store().all(), StatsQuery.all()))
        .get("stats");
    assertEquals("cluster_manager.cds.version_text", stats.get(0).get("name").asText());
    assertEquals("2026-11-22T03:00:00Z/7", stats.get(0).get("value").textValue());
    assertEquals("", stats.get(1).get("value").textValue());
    assertEquals(2, stats.get(2).get("value").longValue());
  }

  @Test
  void prometheusOmitsThem() {
    String prom = PrometheusFormatter.format(store().all(), query(false, StatsQuery.Type.ALL),
        TagExtractors.defaults(), Set.of());
    assertFalse(prom.contains("version_text"), prom);
    assertEquals(true, prom.contains("envoy_cluster_manager_cds_update_success"), prom);
  }

  @Test
  void filteredOutByTheStatsMatcherTheyAreNowhere() {
    StatsStore store = new StatsStore(n -> !n.contains("lds"));
    store.textReadout("listener_manager.lds.version_text").set("1");
    assertEquals("", StatsTextFormatter.format(store.all(), StatsQuery.all()));
    assertEquals("", store.textReadout("listener_manager.lds.version_text").value());
  }
}
