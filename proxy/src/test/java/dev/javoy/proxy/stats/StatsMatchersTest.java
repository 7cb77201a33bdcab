package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.metrics.v3.StatsConfig;
import io.envoyproxy.envoy.config.metrics.v3.StatsMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class StatsMatchersTest {
  private static final Path ISTIO_BOOTSTRAP = ConformanceFiles.find("istio-bootstrap/default_golden.json");

  private static Predicate<String> matcher(StatsMatcher m) throws ConfigException {
    return StatsMatchers.fromConfig(StatsConfig.newBuilder().setStatsMatcher(m).build());
  }

  private static ListStringMatcher list(StringMatcher... patterns) {
    return ListStringMatcher.newBuilder().addAllPatterns(java.util.List.of(patterns)).build();
  }

  @Test
  void noMatcherAcceptsEverything() throws ConfigException {
    assertTrue(StatsMatchers.fromConfig(StatsConfig.getDefaultInstance()).test("anything.at_all"));
  }

  @Test
  void rejectAll() throws ConfigException {
    assertFalse(matcher(StatsMatcher.newBuilder().setRejectAll(true).build()).test("server.uptime"));
    assertTrue(matcher(StatsMatcher.newBuilder().setRejectAll(false).build()).test("server.uptime"));
  }

  @Test
  void inclusionAndExclusionLists() throws ConfigException {
    ListStringMatcher patterns = list(
        StringMatcher.newBuilder().setExact("server.uptime").build(),
        StringMatcher.newBuilder().setPrefix("cluster_manager.").build(),
        StringMatcher.newBuilder().setSuffix(".rbac.allowed").build(),
        StringMatcher.newBuilder().setContains("upstream_rq").build(),
        StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("vhost\\..*\\.route\\..*")).build());
    Predicate<String> include = matcher(StatsMatcher.newBuilder().setInclusionList(patterns).build());
    Predicate<String> exclude = matcher(StatsMatcher.newBuilder().setExclusionList(patterns).build());
    String[] matching = {"server.uptime", "cluster_manager.cds.update_success", "http.in.rbac.allowed",
        "cluster.a.upstream_rq_total", "vhost.v.route.r.upstream_rq_time"};
    String[] other = {"server.uptime2", "SERVER.UPTIME", "listener.admin.downstream_cx_total",
        "xvhost.v.route.r.x.y_total_vhost"};
    for (String s : matching) {
      assertTrue(include.test(s), s);
      assertFalse(exclude.test(s), s);
    }
    for (String s : other) {
      assertFalse(include.test(s), s);
      assertTrue(exclude.test(s), s);
    }
  }

  @Test
  void regexMustMatchTheWholeName() throws ConfigException {
    Predicate<String> p = matcher(StatsMatcher.newBuilder().setInclusionList(list(StringMatcher.newBuilder()
        .setSafeRegex(RegexMatcher.newBuilder().setRegex("cluster\\.[a-z]+\\.upstream_rq_total")).build())).build());
    assertTrue(p.test("cluster.abc.upstream_rq_total"));
    assertFalse(p.test("cluster.abc.upstream_rq_total_x"));
  }

  @Test
  void ignoreCase() throws ConfigException {
    Predicate<String> p = matcher(StatsMatcher.newBuilder().setInclusionList(list(
        StringMatcher.newBuilder().setPrefix("Cluster.").setIgnoreCase(true).build(),
        StringMatcher.newBuilder().setExact("SERVER.UPTIME").setIgnoreCase(true).build(),
        StringMatcher.newBuilder().setSuffix("_TOTAL").setIgnoreCase(true).build(),
        StringMatcher.newBuilder().setContains("WaTcHdOg").setIgnoreCase(true).build())).build());
    assertTrue(p.test("cluster.a.b"));
    assertTrue(p.test("server.uptime"));
    assertTrue(p.test("listener.x.downstream_cx_total"));
    assertTrue(p.test("server.main_thread.watchdog_miss"));
    assertFalse(p.test("http.x.downstream_rq_2xx"));
  }

  @Test
  void badRegexIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class, () -> matcher(StatsMatcher.newBuilder()
        .setInclusionList(list(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("("))
            .build())).build()));
    assertNotNull(e.path());
    assertTrue(e.getMessage().startsWith("stats_config.stats_matcher.inclusion_list.patterns[0].safe_regex.regex"));
  }

  @Test
  void istioInclusionList() throws Exception {
    assumeTrue(ISTIO_BOOTSTRAP != null, "skipped: ../shared/conformance/istio-bootstrap/default_golden.json is "
        + "absent (the conformance corpus is only in the shared workspace)");
    StatsConfig.Builder b = StatsConfig.newBuilder();
    JsonFormat.parser().merge(new ObjectMapper().readTree(ISTIO_BOOTSTRAP.toFile()).get("stats_config").toString(), b);
    Predicate<String> p = StatsMatchers.fromConfig(b.build());
    assertTrue(p.test("cluster_manager.cds.update_success"));
    assertTrue(p.test("cluster.xds-grpc.upstream_cx_total"));
    assertTrue(p.test("server.uptime"));
    assertTrue(p.test("http.inbound_0.0.0.0_8080;.rbac.allowed"));
    assertTrue(p.test("vhost.v.route.r.upstream_rq_total"));
    assertFalse(p.test("cluster.outbound|80||a.b.svc.cluster.local;.upstream_rq_total"));
    assertFalse(p.test("http.inbound_0.0.0.0_8080;.downstream_rq_total"));
    assertEquals(false, p.test("listener.0.0.0.0_15006.downstream_cx_total"));
  }
}
