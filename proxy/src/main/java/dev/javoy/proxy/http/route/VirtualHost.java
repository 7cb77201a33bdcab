package dev.javoy.proxy.http.route;

import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Map;

/** A compiled virtual host: its routes in order, checked first match wins. */
public final class VirtualHost {
  private final String name;
  private List<Route> routes = List.of();
  private final Map<String, Object> perFilterConfig;

  VirtualHost(String name, Map<String, Object> perFilterConfig) {
    this.name = name;
    this.perFilterConfig = perFilterConfig;
  }

  void setRoutes(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public String name() {
    return name;
  }

  public List<Route> routes() {
    return routes;
  }

  public Map<String, Object> perFilterConfig() {
    return perFilterConfig;
  }

  /** The first route matching the request, or null. */
  public Route match(HttpRequest request, String path) {
    int q = path.indexOf('?');
    int queryStart = q < 0 ? path.length() : q;
    for (int i = 0, n = routes.size(); i < n; i++) {
      Route r = routes.get(i);
      if (r.match().matches(request, path, queryStart)) {
        return r;
      }
    }
    return null;
  }
}
