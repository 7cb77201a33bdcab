package dev.javoy.proxy.http.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.proxy.config.ConfigException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** {@code connect_matcher} routes and CONNECT {@code connect_config}. */
class ConnectMatcherTest {
  private static HttpRequest connect(String authority) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, authority);
    r.headers().set("host", authority);
    return r;
  }

  @Test
  void connectMatcherMatchesConnectOnly() throws Exception {
    RouteTable t = RouteTables.routes("{\"match\": {\"connect_matcher\": {}}, \"route\": {\"cluster\": \"a\","
        + " \"upgrade_configs\": [{\"upgrade_type\": \"CONNECT\", \"connect_config\": {}}]}},"
        + " {\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"b\"}}");
    Route r = RouteTables.match(t, connect("x.test:443"));
    assertNotNull(r);
    ClusterAction a = (ClusterAction) r.action();
    assertEquals("a", a.clusters().select(connect("x"), 0).clusterName());
    assertNotNull(a.upgrades().connectConfig());
    Route g = RouteTables.match(t, RouteTables.get("/"));
    assertEquals("b", ((ClusterAction) g.action()).clusters().select(RouteTables.get("/"), 0).clusterName());
    RouteTable noConnect = RouteTables.routes("{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"b\"}}");
    assertNull(RouteTables.match(noConnect, connect("x.test:443")), "a CONNECT has no path to match");
  }

  @Test
  void allowPostAndProxyProtocolAreRejected() {
    assertThrows(ConfigException.class, () -> RouteTables.routes("{\"match\": {\"connect_matcher\": {}}, \"route\":"
        + " {\"cluster\": \"a\", \"upgrade_configs\": [{\"upgrade_type\": \"CONNECT\", \"connect_config\":"
        + " {\"allow_post\": true}}]}}"));
    assertThrows(ConfigException.class, () -> RouteTables.routes("{\"match\": {\"connect_matcher\": {}}, \"route\":"
        + " {\"cluster\": \"a\", \"upgrade_configs\": [{\"upgrade_type\": \"CONNECT\", \"connect_config\":"
        + " {\"proxy_protocol_config\": {}}}]}}"));
    assertThrows(ConfigException.class, () -> RouteTables.routes("{\"match\": {\"prefix\": \"/\"}, \"route\":"
        + " {\"cluster\": \"a\", \"upgrade_configs\": [{\"upgrade_type\": \"websocket\", \"connect_config\": {}}]}}"));
  }
}
