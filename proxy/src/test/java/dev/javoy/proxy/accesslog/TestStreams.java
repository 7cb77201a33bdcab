package dev.javoy.proxy.accesslog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Stream fixtures and YAML-to-proto for the access log tests. */
public final class TestStreams {
  private TestStreams() {}

  /** A GET of {@code uri} with the given header name/value pairs. */
  public static HttpRequest request(HttpMethod method, String uri, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  public static HttpResponse response(int status, String... headers) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  /** A stream with a request carrying the headers. */
  public static StreamInfo stream(String... requestHeaders) {
    StreamInfo info = new StreamInfo();
    info.protocol = "HTTP/1.1";
    info.requestHeaders = request(HttpMethod.GET, "/", requestHeaders);
    return info;
  }

  public static DefaultHttpHeaders headers(String... pairs) {
    DefaultHttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  /** Parses YAML into a message of {@code builder}'s type. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M yaml(String yaml, Message.Builder builder) {
    try {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
      String json = new ObjectMapper().writeValueAsString(tree);
      JsonFormat.parser().merge(json, builder);
      return (M) builder.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
