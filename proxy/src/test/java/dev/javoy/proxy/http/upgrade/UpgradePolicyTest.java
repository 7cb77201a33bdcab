package dev.javoy.proxy.http.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradePolicyTest {
  private static HttpRequest upgrade(String connection, String upgrade) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    if (connection != null) {
      r.headers().set("connection", connection);
    }
    if (upgrade != null) {
      r.headers().set("upgrade", upgrade);
    }
    return r;
  }

  private static UpgradeConfig ws(Boolean enabled) {
    UpgradeConfig.Builder b = UpgradeConfig.newBuilder().setUpgradeType("websocket");
    if (enabled != null) {
      b.setEnabled(BoolValue.of(enabled));
    }
    return b.build();
  }

  @Test
  void requestedUpgradeNeedsConnectionUpgradeAndIgnoresH2c() {
    assertEquals("websocket", UpgradePolicy.requestedUpgrade(upgrade("keep-alive, Upgrade", "websocket")));
    assertNull(UpgradePolicy.requestedUpgrade(upgrade(null, "websocket")));
    assertNull(UpgradePolicy.requestedUpgrade(upgrade("upgrade", null)));
    assertNull(UpgradePolicy.requestedUpgrade(upgrade("Upgrade, HTTP2-Settings", "h2c")));
  }

  @Test
  void connectionManagerAndRouteDecideAsEnvoy() throws Exception {
    HttpRequest req = upgrade("Upgrade", "WebSocket");
    assertTrue(UpgradePolicy.NONE.rejects(req, null), "not configured: 403");
    assertFalse(UpgradePolicy.NONE.rejects(upgrade(null, null), null), "not an upgrade");
    UpgradePolicy on = UpgradePolicy.create(List.of(ws(null)), "hcm");
    UpgradePolicy off = UpgradePolicy.create(List.of(ws(false)), "hcm");
    assertFalse(on.rejects(req, null));
    assertTrue(off.rejects(req, null));
    UpgradePolicy routeOff = UpgradePolicy.forRoute(List.of(RouteAction.UpgradeConfig.newBuilder()
        .setUpgradeType("websocket").setEnabled(BoolValue.of(false)).build()), "r");
    UpgradePolicy routeOn = UpgradePolicy.forRoute(List.of(RouteAction.UpgradeConfig.newBuilder()
        .setUpgradeType("websocket").build()), "r");
    assertTrue(on.rejects(req, routeOff));
    assertFalse(off.rejects(req, routeOn));
    assertFalse(UpgradePolicy.NONE.rejects(req, routeOn), "a route may enable what the HCM does not list");
    assertNull(UpgradePolicy.forRoute(List.of(), "r"));
    assertSame(UpgradePolicy.NONE, UpgradePolicy.create(List.of(), "hcm"));
  }

  @Test
  void unsupportedPartsAreRejectedWithTheirPath() throws Exception {
    ConfigException filters = assertThrows(ConfigException.class, () -> UpgradePolicy.create(List.of(ws(null),
        ws(null).toBuilder().setUpgradeType("foo").addFilters(HttpFilter.newBuilder().setName("x")).build()), "hcm"));
    assertEquals("hcm.upgrade_configs[1].filters", filters.path());
    ConfigException dup = assertThrows(ConfigException.class,
        () -> UpgradePolicy.create(List.of(ws(null), ws(false)), "hcm"));
    assertEquals("hcm.upgrade_configs[1].upgrade_type", dup.path());
    assertTrue(UpgradePolicy.create(List.of(UpgradeConfig.newBuilder().setUpgradeType("CONNECT").build()), "hcm")
        .enabled("connect"), "CONNECT is an upgrade type the HCM may enable");
    ConfigException proxyProtocol = assertThrows(ConfigException.class, () -> UpgradePolicy.forRoute(List.of(
        RouteAction.UpgradeConfig.newBuilder().setUpgradeType("CONNECT")
            .setConnectConfig(RouteAction.UpgradeConfig.ConnectConfig.newBuilder().setProxyProtocolConfig(
                io.envoyproxy.envoy.config.core.v3.ProxyProtocolConfig.getDefaultInstance())).build()), "r"));
    assertEquals("r.upgrade_configs[0].connect_config.proxy_protocol_config", proxyProtocol.path());
  }
}
