package dev.javoy.proxy.http.route;

import java.util.Map;

/**
 * One compiled route of a virtual host: its matcher, its action, its header mutations (route, virtual host and
 * route configuration levels, in evaluation order) and per-filter config by filter name.
 *
 * @param name the route's {@code name} (for {@code %ROUTE_NAME%}), or ""
 * @param tracing the route's {@code decorator}, {@code tracing} and metadata for tracing
 */
public record Route(String name, VirtualHost virtualHost, RouteMatch match, RouteAction action,
    Map<String, Object> perFilterConfig, HeaderMutationChain requestHeaders,
    HeaderMutationChain responseHeaders, dev.javoy.proxy.tracing.RouteTracing tracing) {

  public Route(String name, VirtualHost virtualHost, RouteMatch match, RouteAction action,
      Map<String, Object> perFilterConfig) {
    this(name, virtualHost, match, action, perFilterConfig, HeaderMutationChain.NONE, HeaderMutationChain.NONE);
  }

  public Route(String name, VirtualHost virtualHost, RouteMatch match, RouteAction action,
      Map<String, Object> perFilterConfig, HeaderMutationChain requestHeaders, HeaderMutationChain responseHeaders) {
    this(name, virtualHost, match, action, perFilterConfig, requestHeaders, responseHeaders,
        dev.javoy.proxy.tracing.RouteTracing.NONE);
  }

  /** This route's config for the filter named {@code filterName}, else the virtual host's, else null. */
  public Object perFilterConfig(String filterName) {
    Object o = perFilterConfig.get(filterName);
    return o != null ? o : virtualHost.perFilterConfig().get(filterName);
  }
}
