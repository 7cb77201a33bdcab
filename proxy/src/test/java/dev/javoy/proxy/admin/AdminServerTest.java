package dev.javoy.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminServerTest {
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

  private static String contentType(HttpResponse<?> r) {
    return r.headers().firstValue("content-type").orElse("");
  }

  @Test
  void homeAndHelp() throws Exception {
    HttpResponse<String> home = admin.get("/");
    assertEquals(200, home.statusCode());
    assertEquals("text/html; charset=UTF-8", contentType(home));
    assertTrue(home.body().contains("<a href=\"/stats\">stats</a>"), home.body());
    assertTrue(home.body().contains("<form action=\"/quitquitquit\" method=\"post\">"), home.body());

    HttpResponse<String> help = admin.get("/help");
    assertEquals(200, help.statusCode());
    assertEquals("text/plain; charset=UTF-8", contentType(help));
    assertEquals("no-cache, max-age=0", help.headers().firstValue("cache-control").orElse(""));
    assertEquals("nosniff", help.headers().firstValue("x-content-type-options").orElse(""));
    assertTrue(help.body().startsWith("admin commands are:\n  /: Admin home page\n  /certs: print certs on machine\n"),
        help.body());
    assertTrue(help.body().contains("  /quitquitquit (POST): exit the server\n"), help.body());
    assertTrue(help.body().contains(
        "  /listeners: print listener info\n      format: File format to use; One of (text, json)\n"), help.body());
  }

  @Test
  void unknownPathAndWrongMethod() throws Exception {
    HttpResponse<String> missing = admin.get("/nope?x=1");
    assertEquals(404, missing.statusCode());
    assertTrue(missing.body().startsWith("invalid path. admin commands are:\n"), missing.body());

    for (String path : new String[] {"/quitquitquit", "/healthcheck/fail", "/healthcheck/ok", "/logging",
        "/drain_listeners", "/runtime_modify?a=b", "/reopen_logs"}) {
      HttpResponse<String> get = admin.get(path);
      assertEquals(405, get.statusCode(), path);
      assertEquals("Method GET not allowed, POST required.", get.body(), path);
    }
    assertFalse(admin.backend.healthCheckFailed);
  }

  @Test
  void readyFollowsServerState() throws Exception {
    HttpResponse<String> live = admin.get("/ready");
    assertEquals(200, live.statusCode());
    assertEquals("LIVE\n", live.body());
    admin.backend.state = ServerInfo.State.INITIALIZING;
    try {
      HttpResponse<String> starting = admin.get("/ready");
      assertEquals(503, starting.statusCode());
      assertEquals("INITIALIZING\n", starting.body());
    } finally {
      admin.backend.state = ServerInfo.State.LIVE;
    }
  }

  @Test
  void serverInfoIsEnvoyStyleJson() throws Exception {
    HttpResponse<String> r = admin.get("/server_info");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", contentType(r));
    assertTrue(r.body().startsWith("{\n \"version\": \"javoy/0.1.0/Clean/RELEASE\",\n \"state\": \"LIVE\",\n"),
        r.body());
    JsonNode info = JSON.readTree(r.body());
    assertEquals("disabled", info.get("hot_restart_version").asText());
    assertEquals("5s", info.get("uptime_current_epoch").asText());
    assertEquals(2, info.get("command_line_options").get("concurrency").asInt());
    // always_print_primitive_fields, as Envoy: defaults are present
    assertEquals(0, info.get("command_line_options").get("base_id").asInt());
    assertEquals("sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local", info.get("node").get("id").asText());
  }

  @Test
  void memoryCertsAndHotRestartVersion() throws Exception {
    JsonNode memory = JSON.readTree(admin.get("/memory").body());
    assertTrue(Long.parseLong(memory.get("allocated").asText()) > 0);
    assertTrue(Long.parseLong(memory.get("heap_size").asText()) > 0);
    assertEquals("0", memory.get("pageheap_unmapped").asText());
    assertTrue(Long.parseLong(memory.get("total_physical_bytes").asText()) > 0);
    assertEquals("{\n \"certificates\": []\n}\n", admin.get("/certs").body());
    assertEquals("disabled", admin.get("/hot_restart_version").body());
  }

  @Test
  void healthCheckFailAndOk() throws Exception {
    HttpResponse<String> fail = admin.post("/healthcheck/fail");
    assertEquals(200, fail.statusCode());
    assertEquals("OK\n", fail.body());
    assertTrue(admin.backend.healthCheckFailed);
    assertEquals("OK\n", admin.post("/healthcheck/ok").body());
    assertFalse(admin.backend.healthCheckFailed);
  }

  @Test
  void drainListeners() throws Exception {
    assertEquals("OK\n", admin.post("/drain_listeners?graceful&inboundonly").body());
    assertEquals("graceful=true,inboundOnly=true,skipExit=false", admin.backend.drained);
    assertEquals("OK\n", admin.post("/drain_listeners").body());
    assertEquals("graceful=false,inboundOnly=false,skipExit=false", admin.backend.drained);
    HttpResponse<String> bad = admin.post("/drain_listeners?skip_exit");
    assertEquals(400, bad.statusCode());
    assertEquals("skip_exit requires graceful\n", bad.body());
  }

  @Test
  void stats() throws Exception {
    HttpResponse<String> text = admin.get("/stats");
    assertEquals(200, text.statusCode());
    assertEquals("text/plain; charset=UTF-8", contentType(text));
    assertEquals("cluster.backend.upstream_rq_200: 7\nserver.live: 1\nserver.unused: 0\n", text.body());
    assertEquals("cluster.backend.upstream_rq_200: 7\nserver.live: 1\n", admin.get("/stats?usedonly").body());
    assertEquals("server.live: 1\nserver.unused: 0\n", admin.get("/stats?filter=%5Eserver%5C.").body());
    assertEquals("server.live: 1\n", admin.get("/stats?type=Gauges").body());

    HttpResponse<String> json = admin.get("/stats?format=json&usedonly");
    assertEquals("application/json", contentType(json));
    assertEquals("{\"stats\":[{\"name\":\"cluster.backend.upstream_rq_200\",\"value\":7},"
        + "{\"name\":\"server.live\",\"value\":1}]}", json.body());

    String prometheus = "# TYPE envoy_cluster_upstream_rq counter\n"
        + "envoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"backend\"} 7\n\n"
        + "# TYPE envoy_server_live gauge\nenvoy_server_live{} 1\n\n";
    assertEquals(prometheus, admin.get("/stats?format=prometheus&usedonly").body());
    assertEquals(prometheus, admin.get("/stats/prometheus?usedonly").body());
    assertTrue(admin.get("/stats/prometheus").body().contains("# TYPE envoy_server_unused counter\n"));

    assertEquals(400, admin.get("/stats?filter=(").statusCode());
    assertEquals("Invalid re2 regex", admin.get("/stats/prometheus?filter=(").body());
    assertEquals("invalid &type= param", admin.get("/stats?type=counters").body());
    assertEquals(400, admin.get("/stats?format=xml").statusCode());
    assertEquals(400, admin.get("/stats?histogram_buckets=weird").statusCode());
  }

  @Test
  void clustersAndListeners() throws Exception {
    String clusters = admin.get("/clusters").body();
    assertEquals("backend::observability_name::backend_obs\n"
        + "backend::default_priority::max_connections::100\n"
        + "backend::default_priority::max_pending_requests::200\n"
        + "backend::default_priority::max_requests::300\n"
        + "backend::default_priority::max_retries::4\n"
        + "backend::high_priority::max_connections::1024\n"
        + "backend::high_priority::max_pending_requests::1024\n"
        + "backend::high_priority::max_requests::1024\n"
        + "backend::high_priority::max_retries::3\n"
        + "backend::added_via_api::true\n"
        + "backend::10.0.0.1:8080::cx_active::2\n"
        + "backend::10.0.0.1:8080::rq_total::12\n"
        + "backend::10.0.0.1:8080::hostname::h1\n"
        + "backend::10.0.0.1:8080::health_flags::/failed_outlier_check\n"
        + "backend::10.0.0.1:8080::weight::1\n"
        + "backend::10.0.0.1:8080::region::r1\n"
        + "backend::10.0.0.1:8080::zone::z1\n"
        + "backend::10.0.0.1:8080::sub_zone::\n"
        + "backend::10.0.0.1:8080::canary::false\n"
        + "backend::10.0.0.1:8080::priority::0\n"
        + "backend::10.0.0.1:8080::success_rate::-1\n"
        + "backend::10.0.0.1:8080::local_origin_success_rate::-1\n", clusters);
    JsonNode json = JSON.readTree(admin.get("/clusters?format=json").body());
    JsonNode status = json.get("cluster_statuses").get(0);
    assertEquals("backend", status.get("name").asText());
    assertEquals("10.0.0.1", status.get("host_statuses").get(0).get("address").get("socket_address").get("address")
        .asText());

    assertEquals("listener_0::0.0.0.0:10000\nlistener_0::[::]:10000\n", admin.get("/listeners").body());
    JsonNode listeners = JSON.readTree(admin.get("/listeners?format=json").body());
    assertEquals("listener_0", listeners.get("listener_statuses").get(0).get("name").asText());
    assertEquals(10000, listeners.get("listener_statuses").get(0).get("local_address").get("socket_address")
        .get("port_value").asInt());
  }

  @Test
  void runtime() throws Exception {
    HttpResponse<String> r = admin.get("/runtime");
    assertEquals("application/json", contentType(r));
    JsonNode runtime = JSON.readTree(r.body());
    assertEquals("[\"static_layer_0\",\"admin\"]", runtime.get("layers").toString());
    assertEquals("{\"final_value\":\"1\",\"layer_values\":[\"1\",\"\"]}", runtime.get("entries").get("a").toString());
    assertEquals("{\"final_value\":\"3\",\"layer_values\":[\"2\",\"3\"]}", runtime.get("entries").get("b").toString());
    assertTrue(r.body().startsWith("{\n \"entries\": {\n  \"a\": {\n   \"final_value\": \"1\","), r.body());

    assertEquals("OK\n", admin.post("/runtime_modify?x=1&y=").body());
    assertEquals(Map.of("x", "1", "y", ""), admin.backend.runtimeOverrides);
    assertEquals("OK\n", admin.postForm("/runtime_modify", "z=2").body());
    assertEquals(Map.of("z", "2"), admin.backend.runtimeOverrides);
    assertEquals(400, admin.post("/runtime_modify").statusCode());
  }

  @Test
  void logging() throws Exception {
    HttpResponse<String> list = admin.post("/logging");
    assertEquals(200, list.statusCode());
    assertTrue(list.body().startsWith("active loggers:\n  admin: info\n"), list.body());
    assertTrue(list.body().endsWith("\n\n"));

    assertTrue(admin.post("/logging?http=debug").body().contains("  http: debug\n"));
    assertEquals(LoggerLevels.LogLevel.DEBUG, admin.backend.loggers.effective("http"));
    admin.post("/logging?paths=upstream:trace,router:warn");
    assertEquals(LoggerLevels.LogLevel.TRACE, admin.backend.loggers.effective("upstream"));
    assertEquals(LoggerLevels.LogLevel.WARNING, admin.backend.loggers.effective("router"));
    String all = admin.post("/logging?level=critical").body();
    assertTrue(all.contains("  http: critical\n") && all.contains("  main: critical\n"), all);
    assertEquals(java.util.logging.Level.SEVERE.intValue() + 100,
        java.util.logging.Logger.getLogger("javoytest.pool").getLevel().intValue());

    HttpResponse<String> badLevel = admin.post("/logging?http=loud");
    assertEquals(400, badLevel.statusCode());
    assertTrue(badLevel.body().startsWith("error: unknown logger level\n\nusage: /logging?<name>=<level>"),
        badLevel.body());
    assertTrue(badLevel.body().contains("levels: trace debug info warning error critical off \n"));
    assertTrue(admin.post("/logging?nosuch=debug").body().startsWith("error: unknown logger name\n"));
    assertTrue(admin.post("/logging?a=debug&b=info").body().startsWith("error: invalid number of parameters\n"));
    admin.post("/logging?level=info");
  }

  @Test
  void quitQuitQuitAnswersBeforeShuttingDown() throws Exception {
    HttpResponse<String> r = admin.post("/quitquitquit");
    assertEquals(200, r.statusCode());
    assertEquals("OK\n", r.body());
    assertTrue(admin.backend.quit.await(5, TimeUnit.SECONDS));
  }
}
