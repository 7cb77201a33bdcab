package dev.javoy.proxy.http.route;

import dev.javoy.proxy.http.upgrade.UpgradePolicy;
import java.util.List;

/**
 * {@code route}: forward to a cluster.
 *
 * @param clusters how the cluster is named (fixed, from a header, or weighted)
 * @param clusterNotFoundCode the status when the cluster does not exist ({@code cluster_not_found_response_code})
 * @param pathRewrite {@code prefix_rewrite} or {@code regex_rewrite}, or null
 * @param hostRewrite the route's host rewrite, or null
 * @param appendXForwardedHost {@code append_x_forwarded_host}
 * @param timeouts the route's timeouts
 * @param retryPolicy the route's {@code retry_policy}, or null (then the virtual host's applies)
 * @param upgrades the route's {@code upgrade_configs} overrides, or null
 * @param hashPolicy the route's {@code hash_policy}, or null
 * @param mirrors the route's {@code request_mirror_policies} (empty when none)
 */
public record ClusterAction(ClusterSpecifier clusters, int clusterNotFoundCode, PathRewrite pathRewrite,
    HostRewrite hostRewrite, boolean appendXForwardedHost, RouteTimeouts timeouts, RetryPolicy retryPolicy,
    UpgradePolicy upgrades, HashPolicy hashPolicy, List<RequestMirror> mirrors) implements RouteAction {

  public ClusterAction(ClusterSpecifier clusters, int clusterNotFoundCode, PathRewrite pathRewrite,
      HostRewrite hostRewrite, boolean appendXForwardedHost, RouteTimeouts timeouts, RetryPolicy retryPolicy,
      UpgradePolicy upgrades) {
    this(clusters, clusterNotFoundCode, pathRewrite, hostRewrite, appendXForwardedHost, timeouts, retryPolicy,
        upgrades, null, List.of());
  }

  public ClusterAction(ClusterSpecifier clusters, int clusterNotFoundCode, PathRewrite pathRewrite,
      HostRewrite hostRewrite, boolean appendXForwardedHost, RouteTimeouts timeouts, RetryPolicy retryPolicy) {
    this(clusters, clusterNotFoundCode, pathRewrite, hostRewrite, appendXForwardedHost, timeouts, retryPolicy, null);
  }

  public ClusterAction(ClusterSpecifier clusters, int clusterNotFoundCode, PathRewrite pathRewrite,
      HostRewrite hostRewrite, boolean appendXForwardedHost, RouteTimeouts timeouts) {
    this(clusters, clusterNotFoundCode, pathRewrite, hostRewrite, appendXForwardedHost, timeouts, null);
  }

  /** A plain action: one cluster and a route timeout. */
  public static ClusterAction to(String clusterName, long timeoutMillis) {
    return new ClusterAction(ClusterSpecifier.fixed(clusterName), 503, null, null, false,
        RouteTimeouts.of(timeoutMillis));
  }
}
