package dev.javoy.proxy.upstream.http1;

import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Builds the HTTP/1.1 client codec of upstream connections with Envoy's limits. */
final class HttpUpstreamCodecs {
  /** Envoy's default {@code max_response_headers_kb}: 60 KiB. */
  static final int MAX_RESPONSE_HEADERS_BYTES = 60 * 1024;

  private final HttpDecoderConfig config;

  HttpUpstreamCodecs(int maxHeadersCount) {
    this.config = new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_RESPONSE_HEADERS_BYTES)
        .setMaxHeaderSize(MAX_RESPONSE_HEADERS_BYTES)
        .setMaxChunkSize(64 * 1024)
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setTrailersFactory(SmallTrailers.FACTORY);
  }

  HttpClientCodec newCodec() {
    return new HttpClientCodec(config, false, false);
  }
}
