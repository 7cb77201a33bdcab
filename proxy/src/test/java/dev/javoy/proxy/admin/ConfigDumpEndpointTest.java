package dev.javoy.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfigDumpEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static AdminHarness admin;

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminHarness();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
  }

  private static JsonNode configs(String query) throws Exception {
    HttpResponse<String> r = admin.get("/config_dump" + query);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    return JSON.readTree(r.body()).get("configs");
  }

  @Test
  void fullDumpIsEnvoyShaped() throws Exception {
    HttpResponse<String> r = admin.get("/config_dump");
    assertTrue(r.body().startsWith("{\n \"configs\": [\n  {\n   \"@type\": "
        + "\"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\",\n   \"bootstrap\": {\n"), r.body());
    JsonNode configs = JSON.readTree(r.body()).get("configs");
    assertEquals(4, configs.size());
    JsonNode clusters = configs.get(1);
    assertEquals("type.googleapis.com/envoy.admin.v3.ClustersConfigDump", clusters.get("@type").asText());
    assertEquals("v7", clusters.get("version_info").asText());
    JsonNode dynamic = clusters.get("dynamic_active_clusters").get(0);
    assertEquals("type.googleapis.com/envoy.config.cluster.v3.Cluster", dynamic.get("cluster").get("@type").asText());
    assertEquals("10s", dynamic.get("cluster").get("connect_timeout").asText());
    assertEquals("2023-11-14T22:13:20Z", dynamic.get("last_updated").asText());
    assertFalse(admin.backend.lastIncludeEds);
  }

  @Test
  void secretsAreRedacted() throws Exception {
    String body = admin.get("/config_dump").body();
    assertFalse(body.contains("THE-PRIVATE-KEY"), body);
    JsonNode secret = JSON.readTree(body).get("configs").get(3).get("dynamic_active_secrets").get(0).get("secret");
    assertEquals("[redacted]", secret.get("tls_certificate").get("private_key").get("inline_string").asText());
    assertEquals("CERT", secret.get("tls_certificate").get("certificate_chain").get("inline_string").asText());
  }

  @Test
  void includeEds() throws Exception {
    JsonNode configs = configs("?include_eds");
    assertTrue(admin.backend.lastIncludeEds);
    assertEquals(5, configs.size());
    assertEquals("type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", configs.get(2).get("@type").asText());
  }

  @Test
  void resourceListsEachElement() throws Exception {
    JsonNode configs = configs("?resource=dynamic_active_clusters");
    assertEquals(2, configs.size());
    assertEquals("type.googleapis.com/envoy.admin.v3.ClustersConfigDump.DynamicCluster",
        configs.get(0).get("@type").asText());
    assertEquals("outbound|90||b.ns.svc.cluster.local", configs.get(1).get("cluster").get("name").asText());

    JsonNode listeners = configs("?resource=dynamic_listeners");
    assertEquals("virtualInbound", listeners.get(0).get("name").asText());
  }

  @Test
  void resourceWithMaskReachesIntoTheAny() throws Exception {
    JsonNode configs = configs("?resource=dynamic_active_clusters&mask=cluster.name,version_info");
    JsonNode first = configs.get(0);
    assertEquals("v7", first.get("version_info").asText());
    assertFalse(first.has("last_updated"));
    JsonNode cluster = first.get("cluster");
    assertEquals("outbound|80||a.ns.svc.cluster.local", cluster.get("name").asText());
    assertFalse(cluster.has("connect_timeout"));
    assertFalse(cluster.has("type"));
  }

  @Test
  void maskOnTheWholeDump() throws Exception {
    JsonNode configs = configs("?mask=static_clusters");
    assertEquals(1, configs.size());
    assertEquals("type.googleapis.com/envoy.admin.v3.ClustersConfigDump", configs.get(0).get("@type").asText());
    assertTrue(configs.get(0).has("static_clusters"));
    assertFalse(configs.get(0).has("version_info"));

    HttpResponse<String> bad = admin.get("/config_dump?mask=no_such_field");
    assertEquals(400, bad.statusCode());
    assertEquals("FieldMask no_such_field could not be successfully applied to any configs.", bad.body());
  }

  @Test
  void nameRegex() throws Exception {
    JsonNode configs = configs("?resource=dynamic_active_clusters&name_regex=.*a%5C.ns.*");
    assertEquals(1, configs.size());
    assertEquals("outbound|80||a.ns.svc.cluster.local", configs.get(0).get("cluster").get("name").asText());

    JsonNode all = configs("?name_regex=xds-grpc");
    JsonNode clusters = all.get(1);
    assertEquals(1, clusters.get("static_clusters").size());
    assertFalse(clusters.has("dynamic_active_clusters"));
    assertFalse(all.get(2).has("dynamic_listeners"));

    assertEquals(400, admin.get("/config_dump?name_regex=(").statusCode());
  }

  @Test
  void envoyErrors() throws Exception {
    HttpResponse<String> missing = admin.get("/config_dump?resource=nothing_like_this");
    assertEquals(404, missing.statusCode());
    assertEquals("nothing_like_this not found in config dump", missing.body());
    assertEquals("text/plain; charset=UTF-8", missing.headers().firstValue("content-type").orElse(""));

    HttpResponse<String> notRepeated = admin.get("/config_dump?resource=bootstrap");
    assertEquals(400, notRepeated.statusCode());
    assertEquals("bootstrap is not a repeated field. Use ?mask=bootstrap to get only this field", notRepeated.body());

    HttpResponse<String> badMask = admin.get("/config_dump?resource=dynamic_active_clusters&mask=cluster.nope");
    assertEquals(400, badMask.statusCode());
    assertEquals("FieldMask paths: \"cluster.nope\"\n could not be successfully used.", badMask.body());
  }
}
