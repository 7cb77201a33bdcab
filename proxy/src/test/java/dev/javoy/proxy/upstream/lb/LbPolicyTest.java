package dev.javoy.proxy.upstream.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.Test;

/** {@code lb_policy}, {@code load_balancing_policy} and {@code common_lb_config}: what is selected, what is refused. */
class LbPolicyTest {
  private static final String T = "type.googleapis.com/envoy.extensions.load_balancing_policies.";

  private static Cluster cluster(String json) throws Exception {
    Cluster.Builder b = Cluster.newBuilder();
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry())
        .merge("{\"name\":\"c\"," + json + "}", b);
    return b.build();
  }

  private static LbPolicy parse(String json) throws Exception {
    return LbPolicy.from(cluster(json), "clusters[0]");
  }

  private static ConfigException rejected(String json) {
    return assertThrows(ConfigException.class, () -> parse(json));
  }

  private static String policies(String... typedConfigs) {
    StringBuilder b = new StringBuilder("\"load_balancing_policy\":{\"policies\":[");
    for (int i = 0; i < typedConfigs.length; i++) {
      b.append(i > 0 ? "," : "").append("{\"typed_extension_config\":{\"name\":\"p").append(i)
          .append("\",\"typed_config\":").append(typedConfigs[i]).append("}}");
    }
    return b.append("]}").toString();
  }

  @Test
  void defaultsAreEnvoys() throws Exception {
    LbPolicy p = parse("\"type\":\"STATIC\"");
    assertEquals(LbPolicy.Kind.ROUND_ROBIN, p.kind());
    assertEquals(50, p.panicThresholdPercent());
    assertFalse(p.localityWeighted());
    LbPolicy ring = parse("\"lb_policy\":\"RING_HASH\"");
    assertEquals(1024, ring.minRingSize());
    assertEquals(8388608, ring.maxRingSize());
    assertFalse(ring.murmurHash());
    assertEquals(65537, parse("\"lb_policy\":\"MAGLEV\"").maglevTableSize());
    LbPolicy lr = parse("\"lb_policy\":\"LEAST_REQUEST\"");
    assertEquals(2, lr.choiceCount());
    assertEquals(1.0, lr.activeRequestBias());
  }

  @Test
  void legacyConfigs() throws Exception {
    LbPolicy ring = parse("\"lb_policy\":\"RING_HASH\",\"ring_hash_lb_config\":{\"minimum_ring_size\":64,"
        + "\"maximum_ring_size\":4096,\"hash_function\":\"MURMUR_HASH_2\"},"
        + "\"common_lb_config\":{\"healthy_panic_threshold\":{\"value\":25},\"locality_weighted_lb_config\":{},"
        + "\"consistent_hashing_lb_config\":{\"use_hostname_for_hashing\":true}}");
    assertEquals(64, ring.minRingSize());
    assertEquals(4096, ring.maxRingSize());
    assertTrue(ring.murmurHash());
    assertEquals(25, ring.panicThresholdPercent());
    assertTrue(ring.localityWeighted());
    assertTrue(ring.useHostnameForHashing());
    LbPolicy lr = parse("\"lb_policy\":\"LEAST_REQUEST\",\"least_request_lb_config\":{\"choice_count\":5,"
        + "\"active_request_bias\":{\"default_value\":0.5,\"runtime_key\":\"k\"}}");
    assertEquals(5, lr.choiceCount());
    assertEquals(0.5, lr.activeRequestBias());
    assertEquals(5003, parse("\"lb_policy\":\"MAGLEV\",\"maglev_lb_config\":{\"table_size\":5003}")
        .maglevTableSize());
    assertEquals(0, parse("\"common_lb_config\":{\"healthy_panic_threshold\":{}}").panicThresholdPercent());
  }

  @Test
  void legacyRejections() {
    ConfigException e = rejected("\"lb_policy\":\"RING_HASH\",\"ring_hash_lb_config\":{\"minimum_ring_size\":"
        + "2048,\"maximum_ring_size\":1024}");
    assertTrue(e.getMessage().contains("minimum_ring_size (2048) > maximum_ring_size (1024)"), e.getMessage());
    e = rejected("\"lb_policy\":\"MAGLEV\",\"maglev_lb_config\":{\"table_size\":1000}");
    assertTrue(e.getMessage().contains("clusters[0].maglev_lb_config.table_size"), e.getMessage());
    assertTrue(e.getMessage().contains("prime"), e.getMessage());
    e = rejected("\"lb_policy\":\"CLUSTER_PROVIDED\"");
    assertTrue(e.getMessage().contains("clusters[0].lb_policy"), e.getMessage());
    e = rejected("\"common_lb_config\":{\"zone_aware_lb_config\":{}}");
    assertTrue(e.getMessage().contains("clusters[0].common_lb_config.zone_aware_lb_config"), e.getMessage());
    assertTrue(e.getMessage().contains("envoy.config.cluster.v3.Cluster.CommonLbConfig"), e.getMessage());
    e = rejected("\"lb_policy\":\"LEAST_REQUEST\",\"least_request_lb_config\":{\"slow_start_config\":{}}");
    assertTrue(e.getMessage().contains("clusters[0].least_request_lb_config.slow_start_config"), e.getMessage());
    e = rejected("\"common_lb_config\":{\"consistent_hashing_lb_config\":{\"hash_balance_factor\":150}}");
    assertTrue(e.getMessage().contains("consistent_hashing_lb_config.hash_balance_factor"), e.getMessage());
    e = rejected("\"lb_policy\":\"LOAD_BALANCING_POLICY_CONFIG\"");
    assertTrue(e.getMessage().contains("needs load_balancing_policy"), e.getMessage());
  }

  @Test
  void firstSupportedExtensionWins() throws Exception {
    LbPolicy p = parse(policies(
        "{\"@type\":\"" + T + "client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin\"}",
        "{\"@type\":\"" + T + "least_request.v3.LeastRequest\",\"choice_count\":3,"
            + "\"locality_lb_config\":{\"locality_weighted_lb_config\":{}}}",
        "{\"@type\":\"" + T + "random.v3.Random\"}"));
    assertEquals(LbPolicy.Kind.LEAST_REQUEST, p.kind());
    assertEquals(3, p.choiceCount());
    assertTrue(p.localityWeighted());
  }

  @Test
  void everyExtensionIsUnderstood() throws Exception {
    assertEquals(LbPolicy.Kind.ROUND_ROBIN, parse(policies("{\"@type\":\"" + T + "round_robin.v3.RoundRobin\"}"))
        .kind());
    assertEquals(LbPolicy.Kind.RANDOM, parse(policies("{\"@type\":\"" + T + "random.v3.Random\"}")).kind());
    LbPolicy ring = parse(policies("{\"@type\":\"" + T + "ring_hash.v3.RingHash\",\"hash_function\":"
        + "\"MURMUR_HASH_2\",\"minimum_ring_size\":16,\"maximum_ring_size\":64,\"consistent_hashing_lb_config\":"
        + "{\"use_hostname_for_hashing\":true},\"locality_weighted_lb_config\":{}}"));
    assertEquals(LbPolicy.Kind.RING_HASH, ring.kind());
    assertTrue(ring.murmurHash());
    assertEquals(16, ring.minRingSize());
    assertEquals(64, ring.maxRingSize());
    assertTrue(ring.useHostnameForHashing());
    assertTrue(ring.localityWeighted());
    LbPolicy maglev = parse(policies("{\"@type\":\"" + T + "maglev.v3.Maglev\",\"table_size\":7}"));
    assertEquals(LbPolicy.Kind.MAGLEV, maglev.kind());
    assertEquals(7, maglev.maglevTableSize());
  }

  @Test
  void leastRequestFullScan() throws Exception {
    assertTrue(parse(policies("{\"@type\":\"" + T + "least_request.v3.LeastRequest\",\"selection_method\":"
        + "\"FULL_SCAN\"}")).fullScan());
    assertTrue(parse(policies("{\"@type\":\"" + T + "least_request.v3.LeastRequest\",\"enable_full_scan\":"
        + "true}")).fullScan());
    assertFalse(parse(policies("{\"@type\":\"" + T + "least_request.v3.LeastRequest\"}")).fullScan());
  }

  @Test
  void extensionOverridesLbPolicyAndKeepsPanicThreshold() throws Exception {
    LbPolicy p = parse("\"lb_policy\":\"RING_HASH\",\"common_lb_config\":{\"healthy_panic_threshold\":"
        + "{\"value\":10}}," + policies("{\"@type\":\"" + T + "maglev.v3.Maglev\"}"));
    assertEquals(LbPolicy.Kind.MAGLEV, p.kind());
    assertEquals(10, p.panicThresholdPercent());
  }

  @Test
  void typedStructIsLookedThrough() throws Exception {
    LbPolicy p = parse(policies("{\"@type\":\"type.googleapis.com/xds.type.v3.TypedStruct\",\"type_url\":\""
        + T + "least_request.v3.LeastRequest\",\"value\":{\"choice_count\":4}}"));
    assertEquals(LbPolicy.Kind.LEAST_REQUEST, p.kind());
    assertEquals(4, p.choiceCount());
  }

  @Test
  void noSupportedExtensionNamesThePathAndTypeUrls() {
    ConfigException e = rejected(policies(
        "{\"@type\":\"" + T + "client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin\"}",
        "{\"@type\":\"" + T + "pick_first.v3.PickFirst\"}"));
    assertTrue(e.getMessage().startsWith("clusters[0].load_balancing_policy"), e.getMessage());
    assertTrue(e.getMessage().contains(T + "client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin"),
        e.getMessage());
    assertTrue(e.getMessage().contains(T + "pick_first.v3.PickFirst"), e.getMessage());
  }

  @Test
  void unimplementedExtensionFieldsAreRejected() {
    ConfigException e = rejected(policies("{\"@type\":\"" + T + "ring_hash.v3.RingHash\",\"consistent_hashing_lb_config\":"
        + "{\"hash_balance_factor\":120}}"));
    assertTrue(e.getMessage().contains("load_balancing_policy.policies[0].typed_extension_config.typed_config"
        + ".consistent_hashing_lb_config.hash_balance_factor"), e.getMessage());
    e = rejected(policies("{\"@type\":\"" + T + "round_robin.v3.RoundRobin\",\"slow_start_config\":{}}"));
    assertTrue(e.getMessage().contains("typed_config.slow_start_config"), e.getMessage());
    assertTrue(e.getMessage().contains("envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin"),
        e.getMessage());
    e = rejected(policies("{\"@type\":\"" + T + "least_request.v3.LeastRequest\",\"locality_lb_config\":"
        + "{\"zone_aware_lb_config\":{}}}"));
    assertTrue(e.getMessage().contains("locality_lb_config.zone_aware_lb_config"), e.getMessage());
    e = rejected(policies("{\"@type\":\"" + T + "maglev.v3.Maglev\",\"table_size\":100}"));
    assertTrue(e.getMessage().contains("table_size"), e.getMessage());
  }
}
