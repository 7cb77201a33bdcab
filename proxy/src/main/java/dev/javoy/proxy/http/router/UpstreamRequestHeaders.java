package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.ClusterAction;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Turns the downstream request into the upstream one, in place: hop-by-hop headers removed, the route's
 * rewrites applied, Envoy's {@code x-envoy-*} request headers set.
 */
final class UpstreamRequestHeaders {
  static final String X_ENVOY_EXPECTED_RQ_TIMEOUT_MS = "x-envoy-expected-rq-timeout-ms";
  static final String X_ENVOY_ORIGINAL_PATH = "x-envoy-original-path";

  private UpstreamRequestHeaders() {}

  static void prepare(HttpRequest req, ClusterAction action, long timeoutMillis, boolean suppressEnvoyHeaders) {
    HttpHeaders h = req.headers();
    removeHopByHop(h);
    String uri = req.uri();
    if (!uri.startsWith("/")) {
      // absolute-form request target: upstream gets origin-form
      int scheme = uri.indexOf("://");
      if (scheme > 0) {
        int slash = uri.indexOf('/', scheme + 3);
        uri = slash < 0 ? "/" : uri.substring(slash);
        req.setUri(uri);
      }
    }
    if (action.prefixRewrite() != null && action.matchedPrefix() != null) {
      String prefix = action.matchedPrefix();
      if (uri.regionMatches(true, 0, prefix, 0, prefix.length())) {
        h.set(X_ENVOY_ORIGINAL_PATH, uri);
        req.setUri(action.prefixRewrite() + uri.substring(prefix.length()));
      }
    }
    if (action.hostRewriteLiteral() != null) {
      h.set(HttpHeaderNames.HOST, action.hostRewriteLiteral());
    }
    if (!suppressEnvoyHeaders && timeoutMillis > 0) {
      h.set(X_ENVOY_EXPECTED_RQ_TIMEOUT_MS, action.timeoutHeaderValue());
    }
  }

  /** Removes {@code Connection} and the headers it names, and the fixed hop-by-hop set (but not chunking). */
  static void removeHopByHop(HttpHeaders h) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String name : connection.split(",")) {
        String n = name.trim();
        if (!n.isEmpty() && !n.equalsIgnoreCase("transfer-encoding")) {
          h.remove(n);
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(HttpHeaderNames.PROXY_CONNECTION);
    h.remove(HttpHeaderNames.UPGRADE);
    h.remove(HttpHeaderNames.TE);
  }
}
