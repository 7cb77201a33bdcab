package dev.javoy.proxy.http.upgrade;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
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

  /** The upgrade type of a plain CONNECT request, as Envoy's {@code upgrade_configs} name it (any case). */
  public static final String CONNECT = "connect";

  private final Map<String, Boolean> enabled;
  /** A route's CONNECT {@code connect_config}: the router terminates CONNECT itself; null otherwise. */
  private final ConnectConfig connectConfig;

  private UpgradePolicy(Map<String, Boolean> enabled) {
    this(enabled, null);
  }

  private UpgradePolicy(Map<String, Boolean> enabled, ConnectConfig connectConfig) {
    this.enabled = Map.copyOf(enabled);
    this.connectConfig = connectConfig;
  }

  /**
   * A route's {@code connect_config} for CONNECT: the router opens a TCP connection to the upstream host,
   * answers 200 once it is up and relays bytes (Envoy's CONNECT termination). {@code allow_post} and
   * {@code proxy_protocol_config} are not supported and rejected.
   */
  public record ConnectConfig() {}

  /** The route's CONNECT termination config, or null. */
  public ConnectConfig connectConfig() {
    return connectConfig;
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
    ConnectConfig connect = null;
    for (int i = 0; i < configs.size(); i++) {
      RouteAction.UpgradeConfig c = configs.get(i);
      String p = FieldSupport.index(path, "upgrade_configs", i);
      FieldSupport.check(c, p, Set.of("upgrade_type", "enabled", "connect_config"));
      if (c.getUpgradeType().isEmpty()) {
        throw new ConfigException(FieldSupport.join(p, "upgrade_type"), "value length must be at least 1 characters");
      }
      String type = c.getUpgradeType().toLowerCase(Locale.ROOT);
      if (c.hasConnectConfig()) {
        String cp = FieldSupport.join(p, "connect_config");
        if (!type.equals(CONNECT)) {
          throw new ConfigException(cp, "connect_config is only allowed for the CONNECT upgrade type");
        }
        FieldSupport.check(c.getConnectConfig(), cp, Set.of("allow_post"));
        if (c.getConnectConfig().getAllowPost()) {
          throw new ConfigException(FieldSupport.join(cp, "allow_post"), "field not supported by javoy yet");
        }
        connect = new ConnectConfig();
      }
      m.put(type, !c.hasEnabled() || c.getEnabled().getValue());
    }
    return new UpgradePolicy(m, connect);
  }

  /**
   * Whether the request asks for an upgrade that is not allowed (Envoy answers 403 {@code upgrade_failed}), as
   * Envoy's {@code createUpgradeFilterChain}: the route's {@code enabled: false} forbids it, the route's
   * {@code enabled: true} allows it, and otherwise the connection manager's entry decides.
   *
   * @param route the route's {@code upgrade_configs}, or null
   */
  public boolean rejects(HttpRequest req, UpgradePolicy route) {
    String type = req.method() == HttpMethod.CONNECT ? CONNECT : requestedUpgrade(req);
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
