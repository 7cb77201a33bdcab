package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.get;
import static dev.javoy.proxy.http.route.RouteTables.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Route actions: cluster specifiers, rewrites, and what stays rejected. */
class RouteActionFactoryTest {
  private static ClusterAction action(String actionJson, String matchJson) throws Exception {
    RouteTable t = routes("{\"match\": " + matchJson + ", \"route\": " + actionJson + "}");
    return (ClusterAction) t.findVirtualHost("x").routes().get(0).action();
  }

  private static ClusterAction action(String actionJson) throws Exception {
    return action(actionJson, "{\"prefix\": \"/api/\"}");
  }

  @Test
  void clusterHeaderAndNotFoundCode() throws Exception {
    ClusterAction a = action("{\"cluster_header\": \"x-cluster\", \"cluster_not_found_response_code\": \"NOT_FOUND\"}");
    HttpRequest r = get("/api/x");
    assertEquals("", a.clusters().select(r, 0).clusterName());
    r.headers().add("x-cluster", "b");
    r.headers().add("x-cluster", "c");
    assertEquals("b", a.clusters().select(r, 0).clusterName(), "the first value");
    assertEquals(404, a.clusterNotFoundCode());
    assertEquals(503, action("{\"cluster\": \"a\"}").clusterNotFoundCode());
  }

  @Test
  void prefixRewriteReplacesWhatTheRouteMatched() throws Exception {
    assertEquals("/v2/x?q", action("{\"cluster\": \"a\", \"prefix_rewrite\": \"/v2/\"}").pathRewrite()
        .rewrite("/api/x?q", 6));
    assertEquals("/new?q", action("{\"cluster\": \"a\", \"prefix_rewrite\": \"/new\"}", "{\"path\": \"/old\"}")
        .pathRewrite().rewrite("/old?q", 4));
    assertEquals("/all?q", action("{\"cluster\": \"a\", \"prefix_rewrite\": \"/all\"}",
        "{\"safe_regex\": {\"regex\": \"/r/.*\"}}").pathRewrite().rewrite("/r/deep/path?q", 12));
    assertEquals("/s/x", action("{\"cluster\": \"a\", \"prefix_rewrite\": \"/s\"}",
        "{\"path_separated_prefix\": \"/sep\"}").pathRewrite().rewrite("/sep/x", 6));
  }

  @Test
  void hostRewrites() throws Exception {
    HttpRequest r = get("/api/x");
    r.headers().set("x-host", "from-header");
    Host dns = new Host("a", new InetSocketAddress("127.0.0.1", 80), "backend.internal", 1, 0, Metadata.getDefaultInstance());
    Host ip = new Host("a", new InetSocketAddress("127.0.0.1", 80), "", 1, 0, Metadata.getDefaultInstance());
    assertEquals("lit", action("{\"cluster\": \"a\", \"host_rewrite_literal\": \"lit\"}").hostRewrite()
        .newHost(r, "/api/x", 6, dns));
    HostRewrite auto = action("{\"cluster\": \"a\", \"auto_host_rewrite\": true}").hostRewrite();
    assertEquals("backend.internal", auto.newHost(r, "/api/x", 6, dns));
    assertNull(auto.newHost(r, "/api/x", 6, ip), "no DNS name: the host stays");
    HostRewrite header = action("{\"cluster\": \"a\", \"host_rewrite_header\": \"x-host\"}").hostRewrite();
    assertEquals("from-header", header.newHost(r, "/api/x", 6, dns));
    assertNull(header.newHost(get("/"), "/", 1, dns));
    assertEquals("envoyproxy.io", action("{\"cluster\": \"a\", \"host_rewrite_path_regex\": {\"pattern\": "
        + "{\"regex\": \"^/([^/]+)/.+$\"}, \"substitution\": \"\\\\1\"}}", "{\"prefix\": \"/\"}").hostRewrite()
        .newHost(r, "/envoyproxy.io/some/path?x=1", 24, dns));
  }

  @Test
  void filterStateAndOthersStayRejected() throws Exception {
    assertEquals("b", action("{\"cluster\": \"a\", \"request_mirror_policies\": [{\"cluster\": \"b\"}]}")
        .mirrors().get(0).clusterFor(get("/")));
    for (String field : new String[] {
        "\"priority\": \"HIGH\""}) {
      ConfigException e = assertThrows(ConfigException.class, () -> action("{\"cluster\": \"a\", " + field + "}"));
      String name = field.substring(1, field.indexOf('"', 1));
      assertEquals("route_config.virtual_hosts[0].routes[0].route." + name, e.path(), field);
    }
    ConfigException filterState = assertThrows(ConfigException.class,
        () -> action("{\"cluster\": \"a\", \"hash_policy\": [{\"filter_state\": {\"key\": \"k\"}}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.hash_policy[0].filter_state", filterState.path());
    ConfigException both = assertThrows(ConfigException.class,
        () -> action("{\"cluster\": \"a\", \"prefix_rewrite\": \"/x\", \"regex_rewrite\": {\"pattern\": "
            + "{\"regex\": \"a\"}, \"substitution\": \"b\"}}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route", both.path());
    ConfigException tls = assertThrows(ConfigException.class,
        () -> action("{\"cluster\": \"a\"}", "{\"prefix\": \"/\", \"tls_context\": {\"presented\": true}}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].match.tls_context", tls.path());
    ConfigException vhost = assertThrows(ConfigException.class, () -> RouteTables.table(
        "{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"retry_policy\": {\"num_retries\": 1,"
            + " \"retry_priority\": {\"name\": \"envoy.retry_priorities.previous_priorities\"}}}]}"));
    assertEquals("route_config.virtual_hosts[0].retry_policy.retry_priority", vhost.path());
    ConfigException unknown = assertThrows(ConfigException.class, () -> action("{\"cluster\": \"nope\"}"));
    assertTrue(unknown.getMessage().contains("unknown cluster 'nope'"));
  }

  @Test
  void upgradeConfigsOverrideTheConnectionManagerPerRoute() throws Exception {
    assertNull(action("{\"cluster\": \"a\"}").upgrades());
    var upgrades = action("{\"cluster\": \"a\", \"upgrade_configs\": [{\"upgrade_type\": \"WebSocket\"}, "
        + "{\"upgrade_type\": \"foo\", \"enabled\": false}]}").upgrades();
    assertTrue(upgrades.enabled("websocket"));
    assertTrue(!upgrades.enabled("foo"));
    assertNotNull(action("{\"cluster\": \"a\", \"upgrade_configs\": [{\"upgrade_type\": \"CONNECT\","
        + " \"connect_config\": {}}]}").upgrades().connectConfig());
    ConfigException allowPost = assertThrows(ConfigException.class, () -> action("{\"cluster\": \"a\", "
        + "\"upgrade_configs\": [{\"upgrade_type\": \"CONNECT\", \"connect_config\": {\"allow_post\": true}}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.upgrade_configs[0].connect_config.allow_post",
        allowPost.path());
  }

  @Test
  void attemptCountFlagsLiveOnTheVirtualHost() throws Exception {
    RouteTable t = RouteTables.table("{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], "
        + "\"include_request_attempt_count\": true, \"include_attempt_count_in_response\": true}]}");
    assertTrue(t.findVirtualHost("x").includeAttemptCountInRequest());
    assertTrue(t.findVirtualHost("x").includeAttemptCountInResponse());
  }
}
