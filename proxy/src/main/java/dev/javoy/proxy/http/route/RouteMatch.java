package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.filter.HeaderMatch;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A route's match criteria, checked in Envoy's order: {@code runtime_fraction}, {@code grpc}, {@code headers}
 * (all must match), {@code query_parameters} (all must match), then the path.
 *
 * @param runtimeFraction null when the route has none
 */
public record RouteMatch(PathMatcher path, boolean grpcOnly, HeaderMatch[] headers,
    QueryParameterMatch[] queryParameters, RuntimeFraction runtimeFraction) {
  /**
   * @param path the request's {@code :path}
   * @param queryStart index of '?' in it, or its length
   * @param random the stream's random value (for {@code runtime_fraction})
   */
  public boolean matches(HttpRequest request, String path, int queryStart, long random) {
    if ((this.path == PathMatcher.CONNECT) != (request.method() == HttpMethod.CONNECT)) {
      return false;
    }
    if (runtimeFraction != null && !runtimeFraction.matches(random)) {
      return false;
    }
    if (grpcOnly && !GrpcRequests.isGrpc(request)) {
      return false;
    }
    for (HeaderMatch h : headers) {
      if (!h.matches(request)) {
        return false;
      }
    }
    for (QueryParameterMatch q : queryParameters) {
      if (!q.matches(path, queryStart)) {
        return false;
      }
    }
    return this.path == PathMatcher.CONNECT || this.path.matches(path, queryStart);
  }

  /** Whether matching needs the stream's random value. */
  boolean usesRandom() {
    return runtimeFraction != null;
  }
}
