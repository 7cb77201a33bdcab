package dev.javoy.proxy.http.route;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

/**
 * Where connection managers with {@code rds} get their route configuration: the xDS client. One subscription
 * per route configuration name, shared by every connection manager that names it. Main thread only.
 */
public interface RdsSource {
  /** A compiled route table shared by the connection managers that use one route configuration. */
  RdsRouteProvider provider(String routeConfigName);

  /**
   * As {@link #provider(String)}, from a connection manager with this {@code stat_prefix}: the first one to ask
   * roots the route configuration's {@code http.<stat_prefix>.rds.<name>.*} stats.
   */
  default RdsRouteProvider provider(String routeConfigName, String statPrefix) {
    return provider(routeConfigName);
  }

  /** ECDS for HTTP filters with {@code config_discovery} over the same xDS client; null when unavailable. */
  default dev.javoy.proxy.http.filter.HttpFilterDiscovery httpFilterDiscovery() {
    return null;
  }
}
