package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HCM's path handling through a javoy process, one listener per configuration: {@code normalize_path} with
 * {@code merge_slashes} (routing, the upstream and the access log see the normalized path; the query is untouched;
 * an invalid path is a 400), and each {@code path_with_escaped_slashes_action}: KEEP_UNCHANGED, REJECT_REQUEST
 * (400), UNESCAPE_AND_REDIRECT (307 to the unescaped path), UNESCAPE_AND_FORWARD.
 */
class PathNormalizationEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static Path accessLog;
  static Map<String, Integer> ports;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("B");
    int admin = JavoyProcess.freePort();
    ports = Map.of("NORMALIZE", JavoyProcess.freePort(), "KEEP", JavoyProcess.freePort(),
        "REJECT", JavoyProcess.freePort(), "REDIRECT", JavoyProcess.freePort(), "FORWARD", JavoyProcess.freePort());
    accessLog = dir.resolve("access.log");
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${BACKEND}", Integer.toString(backend.getAddress().getPort()))
        .replace("${ACCESS_LOG}", accessLog.toString());
    StringBuilder listeners = new StringBuilder();
    listeners.append(listener("NORMALIZE", "normalize_path: true\nmerge_slashes: true"));
    listeners.append(listener("KEEP", "path_with_escaped_slashes_action: KEEP_UNCHANGED"));
    listeners.append(listener("REJECT", "path_with_escaped_slashes_action: REJECT_REQUEST"));
    listeners.append(listener("REDIRECT", "path_with_escaped_slashes_action: UNESCAPE_AND_REDIRECT"));
    listeners.append(listener("FORWARD", "path_with_escaped_slashes_action: UNESCAPE_AND_FORWARD"));
    yaml = yaml.replace("${LISTENERS}", listeners).replace("${ACCESS_LOG}", accessLog.toString());
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning",
        "--file-flush-interval-msec", "100");
  }

  private static String listener(String name, String options) {
    return LISTENER.replace("${NAME}", name.toLowerCase())
        .replace("${PORT}", Integer.toString(ports.get(name)))
        .replace("${OPTIONS}", options.replace("\n", "\n" + " ".repeat(10)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backend.stop(0);
  }

  private static Curl.Result get(String listener, String path) throws Exception {
    return Curl.run("--path-as-is", "http://127.0.0.1:" + ports.get(listener) + path);
  }

  @Test
  void normalizePathAndMergeSlashes() throws Exception {
    Curl.Result r = get("NORMALIZE", "/public/..//private/./x/%2e%2E/%63?q=/../x%41");
    assertEquals(200, r.status(), r.body());
    assertEquals("B GET /private/c?q=/../x%41 host=127.0.0.1:" + ports.get("NORMALIZE"), r.body(),
        "the upstream gets the normalized path and the query as it was");
    assertEquals("private", r.header("x-route"), "routing saw the normalized path");
    assertEquals("/private/c?q=/../x%41 200 -", logLine("/private/c"), "the access log sees it too");

    r = get("NORMALIZE", "/a\\..\\public/x");
    assertEquals("B GET /public/x host=127.0.0.1:" + ports.get("NORMALIZE"), r.body());

    r = Curl.run("--path-as-is", "--request-target", "/bad\u00e9", "http://127.0.0.1:" + ports.get("NORMALIZE") + "/");
    assertEquals(400, r.status(), "a path normalize_path cannot make valid");
    assertEquals(1, ConfigTemplate.stat(javoy, "http.normalize.downstream_rq_failed_path_normalization"));
  }

  @Test
  void keepUnchangedIsTheDefault() throws Exception {
    Curl.Result r = get("KEEP", "/a%2Fb/../c%5C");
    assertEquals("B GET /a%2Fb/../c%5C host=127.0.0.1:" + ports.get("KEEP"), r.body(),
        "normalize_path is off by default: nothing changes");
  }

  @Test
  void rejectRequest() throws Exception {
    Curl.Result r = get("REJECT", "/a%2fb");
    assertEquals(400, r.status());
    assertEquals(200, get("REJECT", "/ab?x=%2F").status(), "the query does not count");
  }

  @Test
  void unescapeAndRedirect() throws Exception {
    Curl.Result r = get("REDIRECT", "/a%2Fb%5Cc?q=%2F");
    assertEquals(307, r.status());
    assertEquals("/a/b\\c?q=%2F", r.header("location"));
    assertEquals(1, ConfigTemplate.stat(javoy, "http.redirect.downstream_rq_redirected_with_normalized_path"));
    assertEquals(200, get("REDIRECT", "/a/b").status());
  }

  @Test
  void unescapeAndForward() throws Exception {
    Curl.Result r = get("FORWARD", "/a%2Fb%2f..?q=%2F");
    assertEquals(200, r.status());
    assertEquals("B GET /a/b/..?q=%2F host=127.0.0.1:" + ports.get("FORWARD"), r.body());
  }

  private static String logLine(String prefix) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(accessLog)) {
        for (String line : Files.readAllLines(accessLog, java.nio.charset.StandardCharsets.ISO_8859_1)) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no access log line for " + prefix + " in:\n"
        + (Files.exists(accessLog) ? Files.readString(accessLog, java.nio.charset.StandardCharsets.ISO_8859_1) : "(none)"));
  }

  private static final String LISTENER = """
        - name: ${NAME}
          address: {socket_address: {address: 127.0.0.1, port_value: ${PORT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ${NAME}
                ${OPTIONS}
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: ${ACCESS_LOG}
                    log_format:
                      text_format_source:
                        inline_string: "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS%\\n"
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: {prefix: /private/}
                      route: {cluster: backend}
                      response_headers_to_add: [{header: {key: x-route, value: private}}]
                    - match: {prefix: /}
                      route: {cluster: backend}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
      """;

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
      ${LISTENERS}
        clusters:
        - name: backend
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}
      """;
}
