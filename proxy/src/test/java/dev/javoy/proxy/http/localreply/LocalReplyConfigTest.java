package dev.javoy.proxy.http.localreply;

import static dev.javoy.proxy.accesslog.TestStreams.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.accesslog.TestStreams;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalReplyConfigTest {
  /** The HCM of listener_1 in Envoy's container image config (envoy-demo.yaml). */
  private static final String ENVOY_DEMO = """
      stat_prefix: loopback_http
      local_reply_config:
        mappers:
        - filter:
            header_filter:
              header:
                name: ":method"
                string_match:
                  exact: "GET"
          body_format_override:
            text_format_source:
              inline_string: |
                <html>
                  <body>
                    <h1>Welcome to Envoy</h1>
                  </body>
                </html>
            content_type: "text/html; charset=UTF-8"
      """;

  private static LocalReplyConfig config(String hcmYaml) throws ConfigException {
    HttpConnectionManager hcm = TestStreams.yaml(hcmYaml, HttpConnectionManager.newBuilder());
    return LocalReplyConfig.create(hcm.getLocalReplyConfig(), "local_reply_config", null);
  }

  private static String body(LocalReply r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void envoyDemoMapperAnswersGetsWithHtml() throws Exception {
    LocalReplyConfig c = config(ENVOY_DEMO);
    StreamInfo get = stream();
    LocalReply r = c.rewrite(get, 404, "");
    assertEquals(404, r.status());
    assertEquals("text/html; charset=UTF-8", r.contentType());
    assertEquals("<html>\n  <body>\n    <h1>Welcome to Envoy</h1>\n  </body>\n</html>\n", body(r));
    assertEquals(404, get.responseCode);

    StreamInfo post = stream();
    post.requestHeaders = TestStreams.request(HttpMethod.POST, "/");
    LocalReply p = c.rewrite(post, 404, "");
    assertEquals(404, p.status());
    assertEquals("", body(p));
    assertEquals("text/plain", p.contentType());
  }

  @Test
  void firstMatchingMapperWinsWithStatusBodyAndHeaders() throws Exception {
    LocalReplyConfig c = config("""
        local_reply_config:
          mappers:
          - filter: {status_code_filter: {comparison: {op: EQ, value: {default_value: 503, runtime_key: k}}}}
            status_code: 502
            body: {inline_string: "upstream is down"}
            headers_to_add:
            - header: {key: x-code, value: "%RESPONSE_CODE%"}
            - header: {key: x-missing, value: "%REQ(X-NONE)%"}
            - header: {key: x-kept, value: ""}
              keep_empty_value: true
            - header: {key: x-a, value: "1"}
            - header: {key: x-a, value: "2"}
            - header: {key: x-b, value: "1"}
            - header: {key: x-b, value: "2"}
              append_action: OVERWRITE_IF_EXISTS_OR_ADD
            - header: {key: x-c, value: "1"}
              append_action: ADD_IF_ABSENT
            - header: {key: x-c, value: "2"}
              append_action: ADD_IF_ABSENT
            - header: {key: x-d, value: "1"}
              append_action: OVERWRITE_IF_EXISTS
            - header: {key: x-e, value: "1"}
              append: false
          - filter: {status_code_filter: {comparison: {op: GE, value: {default_value: 500, runtime_key: k}}}}
            status_code: 500
        """);
    StreamInfo info = stream();
    LocalReply r = c.rewrite(info, 503, "no healthy upstream");
    assertEquals(502, r.status());
    assertEquals(502, info.responseCode);
    assertEquals("upstream is down", body(r));
    assertEquals("text/plain", r.contentType());
    assertEquals(List.of(Map.entry("x-code", "503"), Map.entry("x-kept", ""), Map.entry("x-a", "1"),
        Map.entry("x-a", "2"), Map.entry("x-b", "2"), Map.entry("x-c", "1"), Map.entry("x-e", "1")), r.headers());

    LocalReply other = c.rewrite(stream(), 504, "timeout");
    assertEquals(500, other.status());
    assertEquals("timeout", body(other));
    LocalReply none = c.rewrite(stream(), 404, "not found");
    assertEquals(404, none.status());
    assertEquals(List.of(), none.headers());
  }

  @Test
  void bodyFormatAppliesToAllRepliesAndMapperOverridesIt() throws Exception {
    LocalReplyConfig c = config("""
        local_reply_config:
          mappers:
          - filter: {status_code_filter: {comparison: {op: EQ, value: {default_value: 418, runtime_key: k}}}}
            body_format_override:
              text_format: "teapot: %LOCAL_REPLY_BODY%"
          body_format:
            json_format:
              code: "%RESPONSE_CODE%"
              message: "%LOCAL_REPLY_BODY%"
              path: "%REQ(:PATH)%"
        """);
    LocalReply r = c.rewrite(stream(), 503, "no healthy upstream");
    assertEquals("{\"code\":503,\"message\":\"no healthy upstream\",\"path\":\"/\"}\n", body(r));
    assertEquals("application/json", r.contentType());
    LocalReply t = c.rewrite(stream(), 418, "short and stout");
    assertEquals("teapot: short and stout", body(t));
    assertEquals("text/plain", t.contentType());
  }

  @Test
  void bodyFromFileAndErrorsWithPaths() throws Exception {
    Path file = Files.createTempFile("local-reply", ".txt");
    Files.writeString(file, "from file");
    try {
      LocalReplyConfig c = config("local_reply_config: {mappers: [{filter: {not_health_check_filter: {}}, "
          + "body: {filename: '" + file + "'}}]}");
      assertEquals("from file", body(c.rewrite(stream(), 503, "x")));
    } finally {
      Files.delete(file);
    }
    ConfigException e = assertThrows(ConfigException.class, () -> config(
        "local_reply_config: {mappers: [{filter: {not_health_check_filter: {}}, status_code: 100}]}"));
    assertEquals("local_reply_config.mappers[0].status_code", e.path());
    ConfigException h = assertThrows(ConfigException.class, () -> config(
        "local_reply_config: {mappers: [{filter: {not_health_check_filter: {}}, "
            + "headers_to_add: [{header: {key: ':status', value: '200'}}]}]}"));
    assertEquals("local_reply_config.mappers[0].headers_to_add[0].header.key", h.path());
    ConfigException f = assertThrows(ConfigException.class, () -> config(
        "local_reply_config: {body_format: {text_format: '%NOT_A_COMMAND%'}}"));
    assertTrue(f.getMessage().startsWith("local_reply_config.body_format.text_format: "), f.getMessage());
    assertThrows(ConfigException.class, () -> config("local_reply_config: {mappers: [{status_code: 500}]}"));
  }
}
