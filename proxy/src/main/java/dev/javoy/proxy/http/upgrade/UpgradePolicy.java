package dev.javoy.proxy.http.upgrade;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The connection manager's compiled {@code upgrade_configs}: which {@code Upgrade} tokens (case-insensitive, as
 * Envoy) may switch protocols. An HTTP/1.1 request asking for an upgrade that is not enabled gets Envoy's 403
 * {@code upgrade_failed}; {@code h2c} is never an upgrade here (its headers are simply dropped, as Envoy).
 */
public final class UpgradePolicy {
  public static final UpgradePolicy NONE = new UpgradePolicy(Map.of());
  /** {@code %RESPONSE_CODE_DETAILS%} of the 403 for an upgrade that is not enabled. */
  public static final String UPGRADE_FAILED = "upgrade_failed";

  private final Map<String, Boolean> enabled;

  private UpgradePolicy(Map<String, Boolean> enabled) {
    this.enabled = Map.copyOf(enabled);
  }

  public static UpgradePolicy create(List<UpgradeConfig> configs, String path) throws ConfigException {
    if (configs.isEmpty()) {
      return NONE;
    }
    Map<String, Boolean> m = new HashMap<>();
    for (int i = 0; i < configs.size(); i++) {
      UpgradeConfig c = configs.get(i);
      String p = FieldSupport.index(path, "upgrade_configs", i);
      FieldSupport.check(c, p, Set.of("upgrade_type", "enabled", "filters"));
      if (c.getFiltersCount() > 0) {
        throw new ConfigException(FieldSupport.join(p, "filters"), "upgrade-specific filter chains are not supported");
      }
      if (c.getUpgradeType().isEmpty()) {
        throw new ConfigException(FieldSupport.join(p, "upgrade_type"), "value length must be at least 1 characters");
      }
      String type = c.getUpgradeType().toLowerCase(Locale.ROOT);
      if (type.equals("connect")) {
        throw new ConfigException(FieldSupport.join(p, "upgrade_type"), "CONNECT is not supported");
      }
      if (m.putIfAbsent(type, !c.hasEnabled() || c.getEnabled().getValue()) != null) {
        throw new ConfigException(FieldSupport.join(p, "upgrade_type"), "duplicate upgrade " + c.getUpgradeType());
      }
    }
    return new UpgradePolicy(m);
  }

  /** {@link #create} for configs already validated by it. */
  public static UpgradePolicy of(List<UpgradeConfig> configs) {
    try {
      return create(configs, "upgrade_configs");
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A route's {@code upgrade_configs} ({@code RouteAction.UpgradeConfig}); null when the list is empty. */
  public static UpgradePolicy forRoute(List<RouteAction.UpgradeConfig> configs, String path) throws ConfigException {
    if (configs.isEmpty()) {
      return null;
    }
    Map<String, Boolean> m = new HashMap<>();
    for (int i = 0; i < configs.size(); i++) {
      RouteAction.UpgradeConfig c = configs.get(i);
      String p = FieldSupport.index(path, "upgrade_configs", i);
      FieldSupport.check(c, p, Set.of("upgrade_type", "enabled"));
      if (c.getUpgradeType().isEmpty()) {
        throw new ConfigException(FieldSupport.join(p, "upgrade_type"), "value length must be at least 1 characters");
      }
      String type = c.getUpgradeType().toLowerCase(Locale.ROOT);
      if (type.equals("connect")) {
        throw new ConfigException(FieldSupport.join(p, "upgrade_type"), "CONNECT is not supported");
      }
      m.put(type, !c.hasEnabled() || c.getEnabled().getValue());
    }
    return new UpgradePolicy(m);
  }

  /**
   * Whether the request asks for an upgrade that is not allowed (Envoy answers 403 {@code upgrade_failed}), as
   * Envoy's {@code createUpgradeFilterChain}: the route's {@code enabled: false} forbids it, the route's
   * {@code enabled: true} allows it, and otherwise the connection manager's entry decides.
   *
   * @param route the route's {@code upgrade_configs}, or null
   */
  public boolean rejects(HttpRequest req, UpgradePolicy route) {
    String type = requestedUpgrade(req);
    if (type == null) {
      return false;
    }
    Boolean r = route == null ? null : route.enabled.get(type.toLowerCase(Locale.ROOT));
    if (r != null) {
      return !r;
    }
    return !enabled(type);
  }

  /** Whether the upgrade type is enabled. */
  public boolean enabled(String type) {
    return Boolean.TRUE.equals(enabled.get(type.toLowerCase(Locale.ROOT)));
  }

  /**
   * The {@code Upgrade} token of an HTTP/1.1 upgrade request ({@code Connection} naming {@code upgrade} and an
   * {@code Upgrade} header), or null. {@code h2c} does not count.
   */
  public static String requestedUpgrade(HttpRequest req) {
    HttpHeaders h = req.headers();
    String up = h.get(HttpHeaderNames.UPGRADE);
    if (up == null || up.isEmpty() || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return null;
    }
    up = up.trim();
    return up.equalsIgnoreCase("h2c") ? null : up;
  }

  /** Puts the upgrade headers back after hop-by-hop header removal. */
  public static void restore(HttpHeaders h, String upgrade) {
    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    h.set(HttpHeaderNames.UPGRADE, upgrade);
  }
}
