package dev.javoy.proxy.http.route;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/** A route's match criteria: the path matcher plus the optional gRPC condition. */
public record RouteMatch(PathMatcher path, boolean grpcOnly) {
  public boolean matches(HttpRequest request, String path, int queryStart) {
    if (!this.path.matches(path, queryStart)) {
      return false;
    }
    if (grpcOnly) {
      String ct = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
      return ct != null && ct.regionMatches(true, 0, "application/grpc", 0, 16)
          && (ct.length() == 16 || ct.charAt(16) == '+' || ct.charAt(16) == ';');
    }
    return true;
  }
}
