package dev.javoy.proxy.upstream.http1;

import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import dev.javoy.proxy.http.h1.LowerCaseNameHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Builds the HTTP/1.1 client codec of upstream connections with Envoy's limits. */
final class HttpUpstreamCodecs {
  /** Envoy's default {@code max_response_headers_kb}: 60 KiB. */
  static final int MAX_RESPONSE_HEADERS_BYTES = 60 * 1024;

  private final HttpDecoderConfig config;

  HttpUpstreamCodecs(int maxHeadersCount, HeaderKeyFormat format) {
    HttpDecoderConfig c = new HttpDecoderConfig();
    if (!format.preservesCase()) {
      c = c.setHeadersFactory(LowerCaseHeaders.FACTORY);
    }
    this.config = c
        .setMaxInitialLineLength(MAX_RESPONSE_HEADERS_BYTES)
        .setMaxHeaderSize(MAX_RESPONSE_HEADERS_BYTES)
        .setMaxChunkSize(64 * 1024)
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setTrailersFactory(LazyTrailers.FACTORY);
  }

  /** Response headers stored with lower-case names (Envoy's codec without a preserve_case formatter). */
  static final class LowerCaseHeaders extends LowerCaseNameHeaders {
    static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
      private final DefaultHttpHeadersFactory base = DefaultHttpHeadersFactory.headersFactory();

      @Override
      public HttpHeaders newHeaders() {
        return new LowerCaseHeaders(base);
      }

      @Override
      public HttpHeaders newEmptyHeaders() {
        return base.newEmptyHeaders();
      }
    };

    private LowerCaseHeaders(DefaultHttpHeadersFactory f) {
      super(f.getNameValidator(), f.getValueValidator(), true);
    }
  }

  HttpClientCodec newCodec() {
    return new HttpClientCodec(config, false, false);
  }
}
