package dev.javoy.proxy.http.route;

/**
 * {@code route}: forward to a cluster.
 *
 * @param clusters how the cluster is named (fixed, from a header, or weighted)
 * @param clusterNotFoundCode the status when the cluster does not exist ({@code cluster_not_found_response_code})
 * @param pathRewrite {@code prefix_rewrite} or {@code regex_rewrite}, or null
 * @param hostRewrite the route's host rewrite, or null
 * @param appendXForwardedHost {@code append_x_forwarded_host}
 * @param timeouts the route's timeouts
 */
public record ClusterAction(ClusterSpecifier clusters, int clusterNotFoundCode, PathRewrite pathRewrite,
    HostRewrite hostRewrite, boolean appendXForwardedHost, RouteTimeouts timeouts) implements RouteAction {

  /** A plain action: one cluster and a route timeout. */
  public static ClusterAction to(String clusterName, long timeoutMillis) {
    return new ClusterAction(ClusterSpecifier.fixed(clusterName), 503, null, null, false,
        RouteTimeouts.of(timeoutMillis));
  }
}
