package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** request/response_headers_to_add/remove at the three levels, append actions and %VAR% values. */
class HeaderMutationTest {
  private static final String LEVELS = """
      {%s "request_headers_to_add": [{"header": {"key": "x-level", "value": "config"},
          "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}],
       "response_headers_to_add": [{"header": {"key": "x-resp", "value": "config"}}],
       "virtual_hosts": [{"name": "v", "domains": ["*"],
         "request_headers_to_add": [{"header": {"key": "x-level", "value": "vhost"},
           "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}],
         "response_headers_to_add": [{"header": {"key": "x-resp", "value": "vhost"}}],
         "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "a"},
           "request_headers_to_add": [{"header": {"key": "x-level", "value": "route"},
             "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}],
           "response_headers_to_add": [{"header": {"key": "x-resp", "value": "route"}}]}]}]}""";

  private static Route route(String json) throws Exception {
    return RouteTables.table(json).findVirtualHost("x").routes().get(0);
  }

  @Test
  void routeThenVirtualHostThenRouteConfigurationLaterWins() throws Exception {
    Route r = route(String.format(LEVELS, ""));
    HttpHeaders h = new DefaultHttpHeaders();
    r.requestHeaders().apply(h, new StreamInfo());
    assertEquals("config", h.get("x-level"));
    HttpHeaders resp = new DefaultHttpHeaders();
    r.responseHeaders().apply(resp, new StreamInfo());
    assertEquals(List.of("route", "vhost", "config"), resp.getAll("x-resp"));
  }

  @Test
  void mostSpecificHeaderMutationsWinsReversesTheOrder() throws Exception {
    Route r = route(String.format(LEVELS, "\"most_specific_header_mutations_wins\": true,"));
    HttpHeaders h = new DefaultHttpHeaders();
    r.requestHeaders().apply(h, new StreamInfo());
    assertEquals("route", h.get("x-level"));
    HttpHeaders resp = new DefaultHttpHeaders();
    r.responseHeaders().apply(resp, new StreamInfo());
    assertEquals(List.of("config", "vhost", "route"), resp.getAll("x-resp"));
  }

  private static HttpHeaders apply(String addJson, HttpHeaders h) throws Exception {
    Route r = RouteTables.routes("{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\"}, "
        + "\"request_headers_to_remove\": [\"x-gone\"], \"request_headers_to_add\": [" + addJson + "]}")
        .findVirtualHost("x").routes().get(0);
    StreamInfo info = new StreamInfo();
    HttpRequest req = get("/p?q=1");
    req.headers().set("x-user", "alice");
    info.requestHeaders = req;
    info.downstreamRemoteAddress = new InetSocketAddress("10.1.2.3", 5555);
    info.upstreamHostAddress = new InetSocketAddress("127.0.0.1", 8080);
    r.requestHeaders().apply(h, info);
    return h;
  }

  @Test
  void appendActions() throws Exception {
    HttpHeaders h = apply("""
        {"header": {"key": "x-append", "value": "2"}},
        {"header": {"key": "x-absent", "value": "new"}, "append_action": "ADD_IF_ABSENT"},
        {"header": {"key": "x-present", "value": "new"}, "append_action": "ADD_IF_ABSENT"},
        {"header": {"key": "x-over", "value": "new"}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
        {"header": {"key": "x-only", "value": "new"}, "append_action": "OVERWRITE_IF_EXISTS"},
        {"header": {"key": "x-nothere", "value": "new"}, "append_action": "OVERWRITE_IF_EXISTS"},
        {"header": {"key": "x-legacy", "value": "new"}, "append": false}""",
        new DefaultHttpHeaders().add("x-append", "1").add("x-present", "old").add("x-over", "a").add("x-over", "b")
            .add("x-only", "old").add("x-legacy", "old").add("x-gone", "bye"));
    assertEquals(List.of("1", "2"), h.getAll("x-append"));
    assertEquals("new", h.get("x-absent"));
    assertEquals(List.of("old"), h.getAll("x-present"));
    assertEquals(List.of("new"), h.getAll("x-over"));
    assertEquals(List.of("new"), h.getAll("x-only"));
    assertFalse(h.contains("x-nothere"));
    assertEquals(List.of("new"), h.getAll("x-legacy"));
    assertFalse(h.contains("x-gone"), "removal comes first");
  }

  @Test
  void valuesAreFormattedAndEmptyOnesSkippedUnlessKept() throws Exception {
    HttpHeaders h = apply("""
        {"header": {"key": "x-client", "value": "%DOWNSTREAM_REMOTE_ADDRESS%"}},
        {"header": {"key": "x-upstream", "value": "up=%UPSTREAM_HOST%"}},
        {"header": {"key": "x-user-copy", "value": "%REQ(x-user)%"}},
        {"header": {"key": "x-missing", "value": "%REQ(x-nope)%"}},
        {"header": {"key": "x-kept", "value": "%REQ(x-nope)%"}, "keep_empty_value": true},
        {"header": {"key": "x-pct", "value": "100%%"}}""", new DefaultHttpHeaders());
    assertEquals("10.1.2.3:5555", h.get("x-client"));
    assertEquals("up=127.0.0.1:8080", h.get("x-upstream"));
    assertEquals("alice", h.get("x-user-copy"));
    assertFalse(h.contains("x-missing"));
    assertEquals("", h.get("x-kept"));
    assertEquals("100%", h.get("x-pct"));
  }

  @Test
  void optionsOfOneLevelDoNotSeeEachOther() throws Exception {
    HttpHeaders h = apply("""
        {"header": {"key": "x-once", "value": "1"}, "append_action": "ADD_IF_ABSENT"},
        {"header": {"key": "x-once", "value": "2"}, "append_action": "ADD_IF_ABSENT"}""", new DefaultHttpHeaders());
    assertEquals(List.of("1", "2"), h.getAll("x-once"));
  }

  @Test
  void hostAndPseudoHeadersAndUnknownOperatorsAreRejected() {
    ConfigException host = assertThrows(ConfigException.class, () -> apply(
        "{\"header\": {\"key\": \"Host\", \"value\": \"x\"}}", new DefaultHttpHeaders()));
    assertEquals("route_config.virtual_hosts[0].routes[0].request_headers_to_add[0].header.key", host.path());
    ConfigException pseudo = assertThrows(ConfigException.class, () -> RouteTables.routes(
        "{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\"}, \"response_headers_to_remove\": [\":status\"]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].response_headers_to_remove[0]", pseudo.path());
    ConfigException op = assertThrows(ConfigException.class, () -> apply(
        "{\"header\": {\"key\": \"x\", \"value\": \"%NOT_A_THING%\"}}", new DefaultHttpHeaders()));
    assertEquals("route_config.virtual_hosts[0].routes[0].request_headers_to_add[0].header.value", op.path());
    ConfigException both = assertThrows(ConfigException.class, () -> apply(
        "{\"header\": {\"key\": \"x\", \"value\": \"1\"}, \"append\": true, \"append_action\": \"ADD_IF_ABSENT\"}",
        new DefaultHttpHeaders()));
    assertEquals("route_config.virtual_hosts[0].routes[0].request_headers_to_add[0]", both.path());
  }
}
