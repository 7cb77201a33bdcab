package dev.javoy.proxy.http.route;

/**
 * {@code route}: forward to a cluster.
 *
 * @param clusterName the target cluster
 * @param timeoutMillis the route timeout (Envoy default 15 s; 0 disables)
 * @param prefixRewrite replaces the matched prefix, or null
 * @param matchedPrefix the route's {@code prefix} (for {@code prefix_rewrite}), or null
 * @param hostRewriteLiteral replaces the Host header, or null
 * @param timeoutHeaderValue {@code x-envoy-expected-rq-timeout-ms}, formatted once
 */
public record ClusterAction(String clusterName, long timeoutMillis, String prefixRewrite, String matchedPrefix,
    String hostRewriteLiteral, String timeoutHeaderValue) implements RouteAction {
  public ClusterAction(String clusterName, long timeoutMillis, String prefixRewrite, String matchedPrefix,
      String hostRewriteLiteral) {
    this(clusterName, timeoutMillis, prefixRewrite, matchedPrefix, hostRewriteLiteral, Long.toString(timeoutMillis));
  }
}
