package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StatFamilyTest {
  private static final StatFamilySchema.Builder B = StatFamilySchema.builder();
  private static final int RQ_TOTAL = B.counter("upstream_rq_total");
  private static final int CX_ACTIVE = B.gauge("upstream_cx_active");
  private static final int RQ_TIME = B.histogram("upstream_rq_time", Histogram.Unit.MILLISECONDS);
  private static final int CB_OPEN = B.gauge("circuit_breakers.default.cx_open");
  private static final StatFamilySchema SCHEMA = B.build();

  @Test
  void membersHaveFullNamesAndAreFoundByName() {
    StatsStore store = new StatsStore();
    StatFamily f = store.scope("cluster.svc.ns.local.").family(SCHEMA);
    Counter c = f.counter(RQ_TOTAL);
    c.add(3);
    f.gauge(CX_ACTIVE).inc();
    f.histogram(RQ_TIME).record(7);
    assertEquals("cluster.svc.ns.local.upstream_rq_total", c.name());
    assertSame(c, store.counter("cluster.svc.ns.local.upstream_rq_total"));
    assertSame(f.gauge(CB_OPEN), store.gauge("cluster.svc.ns.local.circuit_breakers.default.cx_open"));
    assertSame(f.histogram(RQ_TIME), store.find("cluster.svc.ns.local.upstream_rq_time"));
    assertEquals(3, store.counter("cluster.svc.ns.local.upstream_rq_total").value());
    assertEquals(1, f.histogram(RQ_TIME).sampleCount());
    // a name outside the schema under the same prefix is an ordinary stat
    Counter other = store.counter("cluster.svc.ns.local.upstream_rq_200");
    assertEquals("cluster.svc.ns.local.upstream_rq_200", other.name());
    assertNull(store.find("cluster.svc.ns.local.nope"));
  }

  @Test
  void samePrefixGivesSameFamilySoStatsSurviveRecreation() {
    StatsStore store = new StatsStore();
    StatFamily a = store.scope("cluster.a.").family(SCHEMA);
    a.counter(RQ_TOTAL).inc();
    StatFamily again = store.scope("cluster.a.").family(SCHEMA);
    assertSame(a, again);
    assertEquals(1, again.counter(RQ_TOTAL).value());
    StatFamily b = store.scope("cluster.b.").family(SCHEMA);
    assertEquals(0, b.counter(RQ_TOTAL).value());
  }

  @Test
  void allListsEveryMemberAndTextOutputIsSorted() {
    StatsStore store = new StatsStore();
    store.counter("server.live");
    store.scope("cluster.b.").family(SCHEMA);
    store.scope("cluster.a.").family(SCHEMA);
    List<String> names = store.all().stream().map(Stat::name).sorted().collect(Collectors.toList());
    assertEquals(List.of("cluster.a.circuit_breakers.default.cx_open", "cluster.a.upstream_cx_active",
        "cluster.a.upstream_rq_time", "cluster.a.upstream_rq_total", "cluster.b.circuit_breakers.default.cx_open",
        "cluster.b.upstream_cx_active", "cluster.b.upstream_rq_time", "cluster.b.upstream_rq_total",
        "server.live"), names);
    String text = StatsTextFormatter.format(store.all(), StatsQuery.all());
    assertTrue(text.startsWith("cluster.a.circuit_breakers.default.cx_open: 0\ncluster.a.upstream_cx_active: 0\n"
        + "cluster.a.upstream_rq_total: 0\ncluster.b."), text);
    assertTrue(text.contains("cluster.a.upstream_rq_time: No recorded values\n"), text);
  }

  @Test
  void statsMatcherExcludesMembersByFullName() {
    StatsStore store = new StatsStore(name -> !name.endsWith("upstream_cx_active"));
    StatFamily f = store.scope("cluster.a.").family(SCHEMA);
    f.gauge(CX_ACTIVE).inc(); // disabled: does nothing
    assertNull(store.find("cluster.a.upstream_cx_active"));
    assertEquals(3, store.all().size());
    f.counter(RQ_TOTAL).inc();
    assertEquals(1, store.find("cluster.a.upstream_rq_total") instanceof Counter c ? c.value() : -1);
  }
}
