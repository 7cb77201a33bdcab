package dev.javoy.proxy.http.route;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/** Envoy's test for a gRPC request: a {@code content-type} of {@code application/grpc} or {@code application/grpc+...}. */
public final class GrpcRequests {
  private static final String GRPC = "application/grpc";

  private GrpcRequests() {}

  public static boolean isGrpc(HttpRequest request) {
    String ct = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    int n = GRPC.length();
    return ct != null && ct.regionMatches(true, 0, GRPC, 0, n)
        && (ct.length() == n || ct.charAt(n) == '+' || ct.charAt(n) == ';');
  }
}
