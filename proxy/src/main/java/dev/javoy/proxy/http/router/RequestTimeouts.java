package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.GrpcRequests;
import dev.javoy.proxy.http.route.GrpcTimeout;
import dev.javoy.proxy.http.route.RouteTimeouts;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The timeouts of one request, from its route's {@link RouteTimeouts} and its {@code grpc-timeout} header.
 *
 * @param routerMillis the router's timeout from the end of the request (0: none)
 * @param streamDurationMillis the stream's maximum duration from its start (-1: none)
 * @param idleMillis the route's stream idle timeout (0 or less: none)
 * @param grpc whether the request is gRPC
 */
record RequestTimeouts(long routerMillis, long streamDurationMillis, long idleMillis, boolean grpc) {
  static RequestTimeouts of(RouteTimeouts t, HttpRequest request) {
    boolean grpc = GrpcRequests.isGrpc(request);
    long header = t.readsGrpcTimeout() ? GrpcTimeout.parseMillis(request.headers().get(GrpcTimeout.HEADER)) : -1;
    return new RequestTimeouts(t.routerTimeout(grpc, header), t.streamDuration(header), t.idleTimeoutMillis(),
        grpc);
  }
}
