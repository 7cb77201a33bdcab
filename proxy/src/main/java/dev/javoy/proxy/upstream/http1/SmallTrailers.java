package dev.javoy.proxy.upstream.http1;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;

/**
 * Trailers of decoded upstream responses. Netty's decoder gives every response with a body a last content
 * with its own (almost always empty) trailers; Netty's default ones start with 16 hash buckets, these with 2,
 * which is enough for the few trailers responses carry (gRPC's status and message).
 */
final class SmallTrailers extends DefaultHttpHeaders {
  private static final DefaultHttpHeadersFactory BASE = DefaultHttpHeadersFactory.trailersFactory();

  static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
    @Override
    public HttpHeaders newHeaders() {
      return new SmallTrailers();
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return BASE.newEmptyHeaders();
    }
  };

  private SmallTrailers() {
    super(BASE.getNameValidator(), BASE.getValueValidator(), 2);
  }
}
