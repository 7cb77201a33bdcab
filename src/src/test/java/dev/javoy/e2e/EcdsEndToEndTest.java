package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ECDS for HTTP filters ({@code config_discovery} in {@code http_filters}) over ADS: a new listener warms until its
 * filter config arrives, updates apply to new streams, a config whose type is not in {@code type_urls} is NACKed (the
 * config in force stays), {@code default_config} with {@code apply_default_config_without_warming} serves at once,
 * the {@code extension_config_discovery.http_filter.<name>.*} stats count, and {@code /config_dump} has the
 * {@code ecds_filter_http} section.
 */
class EcdsEndToEndTest {
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String ECDS = "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig";
  private static final String FAULT = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";

  @TempDir
  Path dir;

  private static <T extends Message.Builder> T parse(String json, T builder) throws Exception {
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry()).merge(json, builder);
    return builder;
  }

  private static String abort(int status) {
    return "{\"@type\": \"" + FAULT + "\", \"abort\": {\"http_status\": " + status
        + ", \"percentage\": {\"numerator\": 100, \"denominator\": \"HUNDRED\"}}}";
  }

  private static Listener listener(String name, int port, String filterName, String defaultConfig)
      throws Exception {
    String discovery = "\"config_source\": {\"ads\": {}, \"resource_api_version\": \"V3\"}, \"type_urls\": [\""
        + FAULT + "\"]" + (defaultConfig == null ? ""
            : ", \"default_config\": " + defaultConfig + ", \"apply_default_config_without_warming\": true");
    return parse("""
        {"name": "%s", "address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}},
         "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
             "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
             "stat_prefix": "%s",
             "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [
               {"match": {"prefix": "/"}, "direct_response": {"status": 200, "body": {"inline_string": "ok"}}}]}]},
             "http_filters": [
               {"name": "%s", "config_discovery": {%s}},
               {"name": "envoy.filters.http.router", "typed_config": {
                 "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}
        """.formatted(name, port, name, filterName, discovery), Listener.newBuilder()).build();
  }

  private static TypedExtensionConfig ecds(String name, String typedConfigJson) throws Exception {
    return parse("{\"name\": \"" + name + "\", \"typed_config\": " + typedConfigJson + "}",
        TypedExtensionConfig.newBuilder()).build();
  }

  private static Map<String, Message> byName(Listener... ls) {
    Map<String, Message> m = new LinkedHashMap<>();
    for (Listener l : ls) {
      m.put(l.getName(), l);
    }
    return m;
  }

  private static long stat(String adminUrl, String name) throws Exception {
    for (String line : Curl.run(adminUrl + "/stats?filter=" + name).body().split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return -1;
  }

  @Test
  void httpFilterConfigsComeFromEcds() throws Exception {
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    int port2 = JavoyProcess.freePort();
    try (SotwAdsServer ads = new SotwAdsServer()) {
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, RdsWarmingEndToEndTest.bootstrap(admin, ads.port()));
      Process javoy = new ProcessBuilder(JavoyProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main", "-c",
          config.toString(), "--concurrency", "1", "-l", "info").redirectErrorStream(true)
          .redirectOutput(dir.resolve("javoy.log").toFile()).start();
      String adminUrl = "http://127.0.0.1:" + admin;
      String url = "http://127.0.0.1:" + port + "/";
      String reload = "extension_config_discovery.http_filter.fault-ecds.config_reload";
      String fail = "extension_config_discovery.http_filter.fault-ecds.config_fail";
      try {
        // 1: the listener names filter config "fault-ecds", which the server does not have: it warms, unbound
        ads.push(CDS, "1", Map.of());
        ads.push(LDS, "1", byName(listener("http", port, "fault-ecds", null)));
        RdsWarmingEndToEndTest.await("the warming listener", () -> {
          try {
            return Curl.run(adminUrl + "/config_dump").body().contains("\"warming_state\"");
          } catch (IllegalStateException e) {
            return false;
          }
        });
        assertEquals(503, Curl.run(adminUrl + "/ready").status());
        assertTrue(!RdsWarmingEndToEndTest.listening(port), "a listener warming on ECDS must not be bound");

        // 2: the filter config arrives: the listener binds and the filter (fault abort 418) runs
        ads.push(ECDS, "1", Map.of("fault-ecds", ecds("fault-ecds", abort(418))));
        RdsWarmingEndToEndTest.await("the listener", () -> RdsWarmingEndToEndTest.listening(port));
        RdsWarmingEndToEndTest.await("readiness", () -> Curl.run(adminUrl + "/ready").status() == 200);
        assertEquals(418, Curl.run(url).status());
        assertEquals(1, stat(adminUrl, reload));
        String dump = Curl.run(adminUrl + "/config_dump").body();
        assertTrue(dump.contains("type.googleapis.com/envoy.admin.v3.EcdsConfigDump"), dump);
        assertTrue(dump.contains("\"fault-ecds\""), dump);

        // 3: an update applies to new streams
        ads.push(ECDS, "2", Map.of("fault-ecds", ecds("fault-ecds", abort(429))));
        RdsWarmingEndToEndTest.await("the update", () -> Curl.run(url).status() == 429);
        assertEquals(2, stat(adminUrl, reload));

        // 4: a config whose type is not in type_urls is NACKed; the one in force stays
        ads.push(ECDS, "3", Map.of("fault-ecds", ecds("fault-ecds",
            "{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer\","
                + " \"max_request_bytes\": 1024}")));
        RdsWarmingEndToEndTest.await("the NACK", () -> !ads.nacks.isEmpty());
        assertTrue(ads.nacks.get(0).contains("fault-ecds"), ads.nacks.toString());
        assertEquals(1, stat(adminUrl, fail));
        assertEquals(429, Curl.run(url).status());

        // 5: default_config with apply_default_config_without_warming: binds at once with the default
        ads.push(LDS, "2", byName(listener("http", port, "fault-ecds", null),
            listener("http2", port2, "other-ecds", abort(451))));
        RdsWarmingEndToEndTest.await("the default-config listener", () -> RdsWarmingEndToEndTest.listening(port2));
        assertEquals(451, Curl.run("http://127.0.0.1:" + port2 + "/").status());
        assertEquals(429, Curl.run(url).status());
        assertEquals(0, stat(adminUrl, "listener_manager.total_listeners_warming"));
      } finally {
        javoy.destroy();
        if (!javoy.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          javoy.destroyForcibly();
        }
      }
    }
  }
}
