package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.GrpcRequests;
import dev.javoy.proxy.http.route.GrpcTimeout;
import dev.javoy.proxy.http.route.RouteTimeouts;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The timeouts of one request, from its route's {@link RouteTimeouts} and its {@code grpc-timeout} header. A
 * {@link RouterFilter} keeps one and fills it per request ({@link #compute}), so it costs nothing per request.
 */
final class RequestTimeouts {
  private long routerMillis;
  private long streamDurationMillis = -1;
  private long idleMillis;
  private boolean grpc;

  static RequestTimeouts of(RouteTimeouts t, HttpRequest request) {
    RequestTimeouts r = new RequestTimeouts();
    r.compute(t, request);
    return r;
  }

  void compute(RouteTimeouts t, HttpRequest request) {
    grpc = GrpcRequests.isGrpc(request);
    long header = t.readsGrpcTimeout() ? GrpcTimeout.parseMillis(request.headers().get(GrpcTimeout.HEADER)) : -1;
    routerMillis = t.routerTimeout(grpc, header);
    streamDurationMillis = t.streamDuration(header);
    idleMillis = t.idleTimeoutMillis();
  }

  /** The router's timeout from the end of the request (0: none). */
  long routerMillis() {
    return routerMillis;
  }

  /** The stream's maximum duration from its start (-1: none). */
  long streamDurationMillis() {
    return streamDurationMillis;
  }

  /** The route's stream idle timeout (0 or less: none). */
  long idleMillis() {
    return idleMillis;
  }

  /** Whether the request is gRPC. */
  boolean grpc() {
    return grpc;
  }
}
