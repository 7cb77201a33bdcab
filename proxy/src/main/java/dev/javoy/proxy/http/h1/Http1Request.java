package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A request head as javoy's HTTP/1.1 decoder produces it: Netty's request with a {@link FlatHttpHeaders}, plus
 * what the decoder learned about its framing that the connection manager turns into Envoy's replies.
 */
public final class Http1Request extends DefaultHttpRequest {
  /**
   * Both {@code Content-Length} and a chunked {@code Transfer-Encoding} came with an HTTP/1.1 request: Envoy
   * refuses it with 400 ({@code http1.content_length_and_chunked_not_allowed}).
   */
  public final boolean contentLengthAndChunked;

  public Http1Request(HttpVersion version, HttpMethod method, String uri, FlatHttpHeaders headers,
      boolean contentLengthAndChunked) {
    super(version, method, uri, headers);
    this.contentLengthAndChunked = contentLengthAndChunked;
  }

  @Override
  public FlatHttpHeaders headers() {
    return (FlatHttpHeaders) super.headers();
  }
}
