package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.localreply.LocalReply;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import dev.javoy.proxy.http.route.GrpcRequests;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Responses javoy generates itself (Envoy's local replies), after the {@code local_reply_config} mappers. */
final class LocalReplies {
  record Reply(HttpResponse headers, HttpContent body) {}

  private LocalReplies() {}

  static Reply build(HttpConnectionManagerConfig config, StreamInfo info, int code, String body) {
    int status = code;
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String contentType = "text/plain";
    Iterable<Map.Entry<String, String>> extra = java.util.List.of();
    info.responseCode = code;
    if (config.localReply != null) {
      LocalReply r = config.localReply.rewrite(info, code, body == null ? "" : body);
      status = r.status();
      bytes = r.body();
      contentType = r.contentType();
      extra = r.headers();
    }
    if (info.requestHeaders != null && GrpcRequests.isGrpc(info.requestHeaders)) {
      return GrpcLocalReply.build(status, bytes, extra);
    }
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    // As Envoy: the mappers' headers first; content type and length are then set over them.
    for (Map.Entry<String, String> e : extra) {
      resp.headers().add(e.getKey(), e.getValue());
    }
    if (bytes.length > 0) {
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    HttpContent content = bytes.length == 0
        ? new DefaultLastHttpContent()
        : new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes));
    return new Reply(resp, content);
  }
}
