package dev.javoy.proxy.http.hcm;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A local reply to a gRPC request, shaped as Envoy's {@code Utility::sendLocalReply} does it: a trailers-only
 * response ({@code :status 200}, {@code content-type: application/grpc}, no body) whose {@code grpc-status} is
 * mapped from the HTTP status and whose {@code grpc-message} is the reply's body (percent-encoded as the gRPC
 * protocol requires).
 */
final class GrpcLocalReply {
  private GrpcLocalReply() {}

  static LocalReplies.Reply build(int httpStatus, byte[] body, Iterable<Map.Entry<String, String>> extra) {
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    for (Map.Entry<String, String> e : extra) {
      resp.headers().add(e.getKey(), e.getValue());
    }
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
    if (!resp.headers().contains("grpc-status")) {
      resp.headers().set("grpc-status", Integer.toString(grpcStatus(httpStatus)));
    }
    if (body.length > 0) {
      resp.headers().set("grpc-message", percentEncode(body));
    }
    resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    return new LocalReplies.Reply(resp, new DefaultLastHttpContent());
  }

  /** Envoy's {@code Grpc::Utility::httpToGrpcStatus}. */
  static int grpcStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }

  /** gRPC's {@code grpc-message} encoding: bytes outside printable ASCII, and {@code %}, as {@code %XX}. */
  static String percentEncode(byte[] utf8) {
    StringBuilder b = new StringBuilder(utf8.length);
    for (byte x : utf8) {
      int c = x & 0xFF;
      if (c >= 0x20 && c <= 0x7E && c != '%') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return b.toString();
  }

  static String percentEncode(String s) {
    return percentEncode(s.getBytes(StandardCharsets.UTF_8));
  }
}
