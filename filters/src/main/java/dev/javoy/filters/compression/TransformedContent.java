package dev.javoy.filters.compression;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/** The body chunk a transforming filter passes on in place of the one it was given. */
public final class TransformedContent {
  private TransformedContent() {}

  /**
   * {@code body} as the next chunk: the last one (keeping the original's trailers) when {@code last}.
   * Ownership of {@code body} passes to the returned content.
   */
  public static HttpContent of(ByteBuf body, boolean last, HttpContent original) {
    if (!last) {
      return new DefaultHttpContent(body);
    }
    if (original instanceof LastHttpContent l && !l.trailingHeaders().isEmpty()) {
      return new DefaultLastHttpContent(body, l.trailingHeaders());
    }
    return new DefaultLastHttpContent(body);
  }
}
