package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.get;
import static dev.javoy.proxy.http.route.RouteTables.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedClustersTest {
  private static ClusterSpecifier clusters(String weightedJson) throws Exception {
    RouteTable t = routes("{\"match\": {\"prefix\": \"/\"}, \"route\": {\"weighted_clusters\": " + weightedJson + "}}");
    return ((ClusterAction) t.findVirtualHost("x").routes().get(0).action()).clusters();
  }

  @Test
  void picksByWeightWithinTwoPercentOverTenThousand() throws Exception {
    ClusterSpecifier s = clusters("""
        {"clusters": [{"name": "a", "weight": 10}, {"name": "b", "weight": 30}, {"name": "c", "weight": 60},
          {"name": "d", "weight": 0}]}""");
    Random rng = new Random(42);
    Map<String, Integer> counts = new HashMap<>();
    HttpRequest r = get("/");
    for (int i = 0; i < 10_000; i++) {
      counts.merge(s.select(r, rng.nextLong()).clusterName(), 1, Integer::sum);
    }
    assertEquals(1_000, counts.get("a"), 200);
    assertEquals(3_000, counts.get("b"), 200);
    assertEquals(6_000, counts.get("c"), 200);
    assertEquals(null, counts.get("d"), "a zero weight is never picked");
  }

  @Test
  void intervalsFollowTheConfiguredOrder() throws Exception {
    ClusterSpecifier s = clusters("{\"clusters\": [{\"name\": \"a\", \"weight\": 1}, {\"name\": \"b\", \"weight\": 3}]}");
    HttpRequest r = get("/");
    assertEquals("a", s.select(r, 0).clusterName());
    assertEquals("b", s.select(r, 1).clusterName());
    assertEquals("b", s.select(r, 3).clusterName());
    assertEquals("a", s.select(r, 4).clusterName());
    assertEquals("b", s.select(r, -1).clusterName(), "random values are unsigned");
  }

  @Test
  void headerNameSuppliesTheRandomValue() throws Exception {
    ClusterSpecifier s = clusters("""
        {"header_name": "x-rand", "clusters": [{"name": "a", "weight": 50}, {"name": "b", "weight": 50}]}""");
    HttpRequest r = get("/");
    r.headers().set("x-rand", "49");
    assertEquals("a", s.select(r, 99).clusterName());
    r.headers().set("x-rand", "150");
    assertEquals("b", s.select(r, 0).clusterName());
    r.headers().set("x-rand", "nope");
    assertEquals("a", s.select(r, 0).clusterName(), "invalid value: the stream's random value");
    r.headers().add("x-rand", "60");
    assertEquals("a", s.select(r, 10).clusterName(), "several values: the stream's random value");
  }

  @Test
  void perClusterMutationsAndClusterHeader() throws Exception {
    ClusterSpecifier s = clusters("""
        {"clusters": [
          {"name": "a", "weight": 1, "host_rewrite_literal": "a.internal",
           "request_headers_to_add": [{"header": {"key": "x-c", "value": "a"}}],
           "request_headers_to_remove": ["x-drop"],
           "response_headers_to_add": [{"header": {"key": "x-r", "value": "from-a"}}]},
          {"cluster_header": "x-target", "weight": 1}]}""");
    HttpRequest r = get("/");
    ClusterTarget a = s.select(r, 0);
    assertEquals("a.internal", a.hostRewriteLiteral());
    HttpHeaders h = new DefaultHttpHeaders().add("x-drop", "1");
    a.requestHeaders().apply(h, new StreamInfo());
    assertEquals("a", h.get("x-c"));
    assertTrue(!h.contains("x-drop"));
    HttpHeaders resp = new DefaultHttpHeaders();
    a.responseHeaders().apply(resp, new StreamInfo());
    assertEquals("from-a", resp.get("x-r"));
    assertEquals("", s.select(r, 1).clusterName(), "missing cluster header: no cluster");
    r.headers().set("x-target", "e");
    assertEquals("e", s.select(r, 1).clusterName());
  }

  @Test
  void invalidWeightsAreRejected() {
    ConfigException zero = assertThrows(ConfigException.class,
        () -> clusters("{\"clusters\": [{\"name\": \"a\", \"weight\": 0}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters", zero.path());
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> clusters("{\"clusters\": [{\"name\": \"zz\", \"weight\": 1}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[0].name", unknown.path());
    ConfigException both = assertThrows(ConfigException.class,
        () -> clusters("{\"clusters\": [{\"name\": \"a\", \"cluster_header\": \"x\", \"weight\": 1}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[0]", both.path());
    ConfigException runtime = assertThrows(ConfigException.class,
        () -> clusters("{\"runtime_key_prefix\": \"r\", \"clusters\": [{\"name\": \"a\", \"weight\": 1}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.weighted_clusters.runtime_key_prefix",
        runtime.path());
    // total_weight is deprecated and ignored in v1.34
    assertEquals("a", pickOf("{\"total_weight\": 100, \"clusters\": [{\"name\": \"a\", \"weight\": 3}]}"));
  }

  private static String pickOf(String json) {
    try {
      return clusters(json).select(get("/"), 2).clusterName();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
