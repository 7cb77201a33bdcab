package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h1.LowerCaseNameHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;

/**
 * Request headers of the HTTP/1.1 decoder that remember whether the decoder dropped {@code Content-Length}
 * because {@code Transfer-Encoding: chunked} was also present: Netty accepts that request (RFC 9112 allows it),
 * Envoy rejects it with 400 ({@code http1.content_length_and_chunked_not_allowed}), and so does javoy.
 */
final class Http1RequestHeaders extends LowerCaseNameHeaders {
  /** The decoder's headers factory: Netty's validating one, with these headers; names kept as received. */
  static final HttpHeadersFactory FACTORY = factory(false);
  /** {@link #FACTORY} storing names in lower case (Envoy's codec, when no preserve_case formatter records them). */
  static final HttpHeadersFactory LOWER_CASE_FACTORY = factory(true);

  private static HttpHeadersFactory factory(boolean lowerCaseNames) {
    return new HttpHeadersFactory() {
      private final DefaultHttpHeadersFactory base = DefaultHttpHeadersFactory.headersFactory();

      @Override
      public HttpHeaders newHeaders() {
        return new Http1RequestHeaders(base, lowerCaseNames);
      }

      @Override
      public HttpHeaders newEmptyHeaders() {
        return base.newEmptyHeaders();
      }
    };
  }

  /** Both Content-Length and Transfer-Encoding came with the request. */
  boolean contentLengthWithTransferEncoding;

  private Http1RequestHeaders(DefaultHttpHeadersFactory f, boolean lowerCaseNames) {
    super(f.getNameValidator(), f.getValueValidator(), lowerCaseNames);
  }

  @Override
  public HttpHeaders remove(String name) {
    noteRemove(name);
    return super.remove(name);
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    noteRemove(name);
    return super.remove(name);
  }

  private void noteRemove(CharSequence name) {
    if (!contentLengthWithTransferEncoding && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)
        && contains(HttpHeaderNames.TRANSFER_ENCODING) && contains(HttpHeaderNames.CONTENT_LENGTH)) {
      contentLengthWithTransferEncoding = true;
    }
  }
}
