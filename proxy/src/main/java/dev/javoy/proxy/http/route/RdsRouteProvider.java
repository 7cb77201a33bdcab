package dev.javoy.proxy.http.route;

import java.util.List;
import java.util.Map;

/**
 * The latest route table of one RDS route configuration. Until the first one arrives it routes nothing (every
 * request gets 404 NR, as Envoy's listener would if it did not warm). Published by the main thread, read by
 * workers on each request.
 */
public final class RdsRouteProvider implements RouteProvider {
  private final String name;
  private volatile RouteTable table;
  private volatile String version = "";
  private volatile io.envoyproxy.envoy.config.route.v3.RouteConfiguration config =
      io.envoyproxy.envoy.config.route.v3.RouteConfiguration.getDefaultInstance();

  public RdsRouteProvider(String name) {
    this.name = name;
    this.table = new RouteTable(name, Map.of(), List.of(), List.of(), null, false);
  }

  @Override
  public RouteTable current() {
    return table;
  }

  @Override
  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  /** Installs a newly compiled table; the next request routes with it. */
  public void update(RouteTable next, io.envoyproxy.envoy.config.route.v3.RouteConfiguration config,
      String version) {
    this.table = next;
    this.config = config;
    this.version = version;
  }

  /** The route configuration in force (for {@code /config_dump}). */
  public io.envoyproxy.envoy.config.route.v3.RouteConfiguration config() {
    return config;
  }
}
