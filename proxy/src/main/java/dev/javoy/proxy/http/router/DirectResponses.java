package dev.javoy.proxy.http.router;

import dev.javoy.proxy.accesslog.format.RequestHeaders;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.route.DirectResponseAction;
import dev.javoy.proxy.http.route.RedirectAction;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Responses a route gives without an upstream, sent as Envoy sends them (as local replies, so
 * {@code local_reply_config} applies): {@code direct_response} (with a {@code Location} to the request's own
 * URL for 201 and 3xx) and {@code redirect}, both with the route's response header mutations. A redirect's
 * path rewrite also rewrites the request's {@code :path}, as Envoy does.
 */
final class DirectResponses {
  static final String DETAILS = "direct_response";

  private DirectResponses() {}

  static void send(HttpFilterCallbacks callbacks, Route route, DirectResponseAction d, HttpRequest req) {
    int status = d.status();
    String location = status == 201 || (status >= 300 && status < 400)
        ? RedirectAction.newUri(null, req, pathOf(req)) : null;
    send(callbacks, route, status, d.bodyText(), location);
  }

  static void redirect(HttpFilterCallbacks callbacks, Route route, RedirectAction r, HttpRequest req,
      boolean suppressEnvoyHeaders) {
    String path = pathOf(req);
    if (r.pathRewrite() != null) {
      int q = path.indexOf('?');
      String rewritten = r.pathRewrite().rewrite(path, q < 0 ? path.length() : q);
      if (rewritten != null) {
        if (!suppressEnvoyHeaders) {
          req.headers().set(UpstreamRequestHeaders.X_ENVOY_ORIGINAL_PATH, path);
        }
        req.setUri(rewritten);
        path = rewritten;
      }
    }
    send(callbacks, route, r.status(), "", r.location(req, path));
  }

  private static void send(HttpFilterCallbacks callbacks, Route route, int status, String body, String location) {
    StreamInfo info = callbacks.streamInfo();
    callbacks.sendLocalReply(status, body, null, DETAILS, headers -> {
      if (location != null) {
        headers.set(HttpHeaderNames.LOCATION, location);
      }
      route.responseHeaders().apply(headers, info);
    });
  }

  private static String pathOf(HttpRequest req) {
    String p = RequestHeaders.path(req);
    return p == null ? "/" : p;
  }
}
