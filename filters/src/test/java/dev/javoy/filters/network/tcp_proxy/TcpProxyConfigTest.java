package dev.javoy.filters.network.tcp_proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.ExtensionRegistry;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.tcp.TcpProxyConfig;
import dev.javoy.proxy.tcp.TcpProxyFilter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpProxyConfigTest {
  private final TcpProxyHarness ctx = new TcpProxyHarness();

  @AfterEach
  void tearDown() {
    ctx.close();
  }

  private ConfigException rejected(String json) {
    return assertThrows(ConfigException.class,
        () -> new TcpProxyFactory().create(TcpProxyHarness.proto(json), ctx));
  }

  @Test
  void registeredByTypeUrlAndNames() {
    ExtensionRegistry r = ExtensionRegistry.load(List.of());
    NetworkFilterFactory f = r.byTypeUrl(NetworkFilterFactory.class,
        "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
    assertInstanceOf(TcpProxyFactory.class, f);
    assertSame(f.getClass(), r.byName(NetworkFilterFactory.class, "envoy.filters.network.tcp_proxy").getClass());
    assertSame(f.getClass(), r.byName(NetworkFilterFactory.class, "envoy.tcp_proxy").getClass());
  }

  @Test
  void defaultsAreEnvoys() throws Exception {
    TcpProxyFilter filter = (TcpProxyFilter) new TcpProxyFactory().create(
        TcpProxyHarness.proto("{\"stat_prefix\": \"s\", \"cluster\": \"c\"}"), ctx);
    TcpProxyConfig c = filter.config();
    assertEquals(3_600_000, c.idleTimeoutMillis());
    assertEquals(1, c.maxConnectAttempts());
    assertEquals(0, c.maxDurationMillis());
    assertEquals(List.of("c"), c.clusters().names());
    assertTrue(filter.terminal());
    TcpProxyConfig off = TcpProxyConfig.from(
        TcpProxyHarness.proto("{\"stat_prefix\": \"s\", \"cluster\": \"c\", \"idle_timeout\": \"0s\"}"), ctx);
    assertEquals(0, off.idleTimeoutMillis());
  }

  @Test
  void unimplementedFieldsAreErrorsNamingTheField() {
    assertEquals("hash_policy[0].filter_state", rejected("{\"stat_prefix\": \"s\", \"cluster\": \"c\","
        + " \"hash_policy\": [{\"filter_state\": {\"key\": \"k\"}}]}").path());
    assertEquals("hash_policy", rejected("{\"stat_prefix\": \"s\", \"cluster\": \"c\","
        + " \"hash_policy\": [{\"source_ip\": {}}, {\"source_ip\": {}}]}").path());
    assertEquals("tunneling_config", rejected("{\"stat_prefix\": \"s\", \"cluster\": \"c\","
        + " \"tunneling_config\": {\"hostname\": \"h\"}}").path());
    assertEquals("on_demand", rejected("{\"stat_prefix\": \"s\", \"cluster\": \"c\", \"on_demand\": {}}").path());
    assertEquals("weighted_clusters.clusters[1].metadata_match", rejected("{\"stat_prefix\": \"s\","
        + " \"weighted_clusters\": {\"clusters\": [{\"name\": \"a\", \"weight\": 1},"
        + " {\"name\": \"b\", \"weight\": 1, \"metadata_match\": {\"filter_metadata\": {\"envoy.lb\": {}}}}]}}")
        .path());
  }

  @Test
  void sourceIpHashPolicy() throws Exception {
    TcpProxyFilter filter = (TcpProxyFilter) new TcpProxyFactory().create(TcpProxyHarness.proto(
        "{\"stat_prefix\": \"s\", \"cluster\": \"c\", \"hash_policy\": [{\"source_ip\": {}}]}"), ctx);
    assertTrue(filter.config().hashSourceIp());
  }

  @Test
  void invalidValuesAreErrorsNamingTheField() {
    assertEquals("stat_prefix", rejected("{\"cluster\": \"c\"}").path());
    assertEquals("cluster", rejected("{\"stat_prefix\": \"s\"}").path());
    assertEquals("weighted_clusters.clusters[0].weight", rejected("{\"stat_prefix\": \"s\","
        + " \"weighted_clusters\": {\"clusters\": [{\"name\": \"a\", \"weight\": 0}]}}").path());
    assertEquals("backoff_options.base_interval", rejected("{\"stat_prefix\": \"s\", \"cluster\": \"c\","
        + " \"backoff_options\": {\"max_interval\": \"1s\"}}").path());
    assertEquals("access_log_options.access_log_flush_interval", rejected("{\"stat_prefix\": \"s\","
        + " \"cluster\": \"c\", \"access_log_options\": {\"access_log_flush_interval\": \"0s\"}}").path());
  }
}
