package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.BoolValue;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.metrics.v3.StatsConfig;
import io.envoyproxy.envoy.config.metrics.v3.TagSpecifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagExtractorsTest {
  private static final Path ISTIO_BOOTSTRAP = ConformanceFiles.find("istio-bootstrap/default_golden.json");

  private static void assertTagged(TagExtractors x, String name, String expectedName, String... tags) {
    TaggedName t = x.tagged(name);
    List<Tag> expected = new ArrayList<>();
    for (int i = 0; i < tags.length; i += 2) {
      expected.add(new Tag(tags[i], tags[i + 1]));
    }
    assertEquals(expectedName, t.tagExtractedName(), name);
    assertEquals(expected, t.tags(), name);
  }

  @Test
  void envoyDocumentedExamples() {
    TagExtractors x = TagExtractors.defaults();
    assertTagged(x, "cluster.backend.upstream_rq_200", "cluster.upstream_rq",
        "envoy.response_code", "200", "envoy.cluster_name", "backend");
    assertTagged(x, "http.ingress_http.downstream_rq_2xx", "http.downstream_rq_xx",
        "envoy.response_code_class", "2", "envoy.http_conn_manager_prefix", "ingress_http");
    assertTagged(x, "listener.0.0.0.0_10000.downstream_cx_total", "listener.downstream_cx_total",
        "envoy.listener_address", "0.0.0.0_10000");
    assertTagged(x, "listener.[__1]_10000.downstream_cx_total", "listener.downstream_cx_total",
        "envoy.listener_address", "[__1]_10000");
    assertTagged(x, "listener.0.0.0.0_10000.http.ingress_http.downstream_rq_2xx", "listener.http.downstream_rq_xx",
        "envoy.response_code_class", "2", "envoy.http_conn_manager_prefix", "ingress_http",
        "envoy.listener_address", "0.0.0.0_10000");
    // Envoy keeps "worker_" in the name: envoy_listener_worker_downstream_cx_total{envoy_worker_id="3",...}
    assertTagged(x, "listener.0.0.0.0_10000.worker_3.downstream_cx_total", "listener.worker_downstream_cx_total",
        "envoy.worker_id", "3", "envoy.listener_address", "0.0.0.0_10000");
    assertTagged(x, "server.worker_0.watchdog_miss", "server.worker_watchdog_miss", "envoy.worker_id", "0");
    assertTagged(x, "vhost.vh1.route.r1.upstream_rq_total", "vhost.route.upstream_rq_total",
        "envoy.virtual_host", "vh1", "envoy.route", "r1");
    assertTagged(x, "vhost.vh1.vcluster.other.upstream_rq_time", "vhost.vcluster.upstream_rq_time",
        "envoy.virtual_cluster", "other", "envoy.virtual_host", "vh1");
    assertTagged(x, "tcp.ingress_tcp.downstream_cx_total", "tcp.downstream_cx_total",
        "envoy.tcp_prefix", "ingress_tcp");
    assertTagged(x, "cluster.c1.grpc.svc.method.success", "cluster.grpc.success",
        "envoy.grpc_bridge_method", "method", "envoy.grpc_bridge_service", "svc", "envoy.cluster_name", "c1");
    assertTagged(x, "http.ingress_http.user_agent.ios.downstream_cx_total", "http.user_agent.downstream_cx_total",
        "envoy.http_user_agent", "ios", "envoy.http_conn_manager_prefix", "ingress_http");
    assertTagged(x, "http.ingress_http.rds.my.route.config.update_success", "http.rds.update_success",
        "envoy.rds_route_config", "my.route.config", "envoy.http_conn_manager_prefix", "ingress_http");
    assertTagged(x, "listener.0.0.0.0_443.ssl.ciphers.ECDHE-RSA-AES128-GCM-SHA256", "listener.ssl.ciphers",
        "envoy.ssl_cipher", "ECDHE-RSA-AES128-GCM-SHA256", "envoy.listener_address", "0.0.0.0_443");
    assertTagged(x, "my_prefix.http_local_rate_limit.enforced", "http_local_rate_limit.enforced",
        "envoy.local_http_ratelimit_prefix", "my_prefix");
  }

  @Test
  void adminListenerAndUntaggedNamesStayWhole() {
    TagExtractors x = TagExtractors.defaults();
    assertTagged(x, "listener.admin.downstream_cx_total", "listener.admin.downstream_cx_total");
    assertTagged(x, "server.uptime", "server.uptime");
    assertTagged(x, "cluster_manager.cds.update_success", "cluster_manager.cds.update_success");
    // "cluster.$.**" needs a token after the cluster name
    assertTagged(x, "cluster.lonely", "cluster.lonely");
  }

  @Test
  void resultIsCachedPerName() {
    TagExtractors x = TagExtractors.defaults();
    assertSame(x.tagged("cluster.a.upstream_rq_200"), x.tagged("cluster.a.upstream_rq_200"));
  }

  @Test
  void customRegexRemovesFirstGroupAndTakesSecondAsValue() throws ConfigException {
    StatsConfig config = StatsConfig.newBuilder()
        .setUseAllDefaultTags(BoolValue.of(false))
        .addStatsTags(TagSpecifier.newBuilder().setTagName("service").setRegex("^svc(\\.([a-z]+))\\."))
        .addStatsTags(TagSpecifier.newBuilder().setTagName("env").setFixedValue("prod"))
        .addStatsTags(TagSpecifier.newBuilder().setTagName("whole").setRegex("(_total)$"))
        .build();
    TagExtractors x = TagExtractors.fromConfig(config);
    assertTagged(x, "svc.billing.requests_total", "svc.requests",
        "service", "billing", "env", "prod", "whole", "_total");
    // defaults are off: cluster names stay in the name
    assertTagged(x, "cluster.backend.upstream_rq_200", "cluster.backend.upstream_rq_200", "env", "prod");
  }

  @Test
  void defaultsPlusCustomTags() throws ConfigException {
    StatsConfig config = StatsConfig.newBuilder()
        .addStatsTags(TagSpecifier.newBuilder().setTagName("mesh").setFixedValue("m1"))
        .build();
    TagExtractors x = TagExtractors.fromConfig(config);
    assertTagged(x, "cluster.backend.upstream_rq_503", "cluster.upstream_rq",
        "envoy.response_code", "503", "mesh", "m1", "envoy.cluster_name", "backend");
  }

  @Test
  void namedDefaultWithoutRegex() throws ConfigException {
    StatsConfig config = StatsConfig.newBuilder()
        .setUseAllDefaultTags(BoolValue.of(false))
        .addStatsTags(TagSpecifier.newBuilder().setTagName("envoy.cluster_name"))
        .build();
    TagExtractors x = TagExtractors.fromConfig(config);
    assertTagged(x, "cluster.backend.upstream_rq_200", "cluster.upstream_rq_200", "envoy.cluster_name", "backend");
  }

  @Test
  void configErrors() {
    ConfigException noRegex = assertThrows(ConfigException.class, () -> TagExtractors.fromConfig(
        StatsConfig.newBuilder().addStatsTags(TagSpecifier.newBuilder().setTagName("nope")).build()));
    assertEquals("stats_config.stats_tags[0]: No regex specified for tag specifier and no default regex for "
        + "name: 'nope'", noRegex.getMessage());
    ConfigException badRegex = assertThrows(ConfigException.class, () -> TagExtractors.fromConfig(
        StatsConfig.newBuilder().addStatsTags(TagSpecifier.newBuilder().setTagName("x").setRegex("(")).build()));
    assertTrue(badRegex.getMessage().startsWith("stats_config.stats_tags[0].regex: Invalid regex '('"),
        badRegex.getMessage());
    assertThrows(ConfigException.class, () -> TagExtractors.fromConfig(
        StatsConfig.newBuilder().addStatsTags(TagSpecifier.newBuilder().setRegex("(a)")).build()));
  }

  @Test
  void ecmascriptBracketsAreTranslated() {
    assertEquals("[_.\\p{Digit}\\w]", EcmaRegex.toJava("[_.[:digit:]\\w]"));
    assertEquals("[a\\[\\&]", EcmaRegex.toJava("[a[&]"));
    assertTrue(EcmaRegex.compile("^listener(?=\\.).*?x").matcher("listener.ax").find());
  }

  @Test
  void istioBootstrapStatsTags() throws Exception {
    assumeTrue(ISTIO_BOOTSTRAP != null, "skipped: ../shared/conformance/istio-bootstrap/default_golden.json is "
        + "absent (the conformance corpus is only in the shared workspace)");
    JsonNode root = new ObjectMapper().readTree(ISTIO_BOOTSTRAP.toFile());
    StatsConfig.Builder b = StatsConfig.newBuilder();
    JsonFormat.parser().merge(root.get("stats_config").toString(), b);
    TagExtractors x = TagExtractors.fromConfig(b.build());

    assertTagged(x, "cluster.outbound|9080||reviews.default.svc.cluster.local;.upstream_rq_200", "cluster.upstream_rq",
        "cluster_name", "outbound|9080||reviews.default.svc.cluster.local", "response_code", "200");
    assertTagged(x, "http.inbound_0.0.0.0_8080;.downstream_rq_2xx", "http.downstream_rq",
        "response_code_class", "2xx", "http_conn_manager_prefix", "inbound_0.0.0.0_8080");
    // Istio's lookahead regex (std::regex in Envoy), with POSIX classes inside brackets
    assertTagged(x, "listener.0.0.0.0_15006.http.10.0.0.1_8080.downstream_rq_total",
        "listener.http.downstream_rq_total",
        "http_conn_manager_listener_prefix", "10.0.0.1_8080", "listener_address", "0.0.0.0_15006");
    assertTagged(x, "listener.[__1]_15006.downstream_cx_total", "listener.downstream_cx_total",
        "listener_address", "[__1]_15006");
    assertTagged(x, "tcp.outbound_tcp.downstream_cx_total", "tcp.downstream_cx_total", "tcp_prefix", "outbound_tcp");
    assertTagged(x, "server.worker_1.watchdog_miss", "server.watchdog_miss", "thread_name", "worker_1");
    assertTagged(x, "http.inbound.rbac.allowed", "http.inbound.rbac", "authz_enforce_result", "allowed");
  }
}
