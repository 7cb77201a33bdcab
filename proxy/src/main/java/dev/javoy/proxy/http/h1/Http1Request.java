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
  /** What the decoder's one pass over the names found, so the connection manager need not search again. */
  long bodyLength;
  boolean hasHost;
  boolean hasExpect;
  boolean hasConnection;

  public Http1Request(HttpVersion version, HttpMethod method, String uri, FlatHttpHeaders headers,
      boolean contentLengthAndChunked) {
    super(version, method, uri, headers);
    this.contentLengthAndChunked = contentLengthAndChunked;
  }

  /** The body's length by {@code Content-Length} (0 without one); negative: a {@code Transfer-Encoding} frames it. */
  public long bodyLength() {
    return bodyLength;
  }

  /** Whether the request came with a {@code Host} header. */
  public boolean hasHost() {
    return hasHost;
  }

  /** Whether the request came with an {@code Expect} header. */
  public boolean hasExpect() {
    return hasExpect;
  }

  /** Whether the request came with a {@code Connection} header. */
  public boolean hasConnection() {
    return hasConnection;
  }

  @Override
  public FlatHttpHeaders headers() {
    return (FlatHttpHeaders) super.headers();
  }
}
