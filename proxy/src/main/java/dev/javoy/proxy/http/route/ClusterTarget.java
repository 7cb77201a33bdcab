package dev.javoy.proxy.http.route;

/**
 * The cluster a request goes to, with what that choice adds: a weighted cluster's own header mutations
 * (applied before the route's) and {@code host_rewrite_literal}.
 *
 * @param clusterName the cluster's name; "" when a {@code cluster_header} was missing
 * @param hostRewriteLiteral the weighted cluster's host rewrite, or null
 */
public record ClusterTarget(String clusterName, HeaderMutation requestHeaders, HeaderMutation responseHeaders,
    String hostRewriteLiteral) {
  /** A plain cluster choice, with no header mutations of its own. */
  public static ClusterTarget of(String clusterName) {
    return new ClusterTarget(clusterName, HeaderMutation.NONE, HeaderMutation.NONE, null);
  }
}
