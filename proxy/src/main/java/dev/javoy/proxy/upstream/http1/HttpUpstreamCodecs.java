package dev.javoy.proxy.upstream.http1;

import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import dev.javoy.proxy.http.h1.Http1RequestEncoder;
import dev.javoy.proxy.http.h1.Http1ResponseDecoder;
import io.netty.channel.ChannelPipeline;

/**
 * Installs javoy's HTTP/1.1 client codec on upstream connections ({@link Http1ResponseDecoder} and
 * {@link Http1RequestEncoder}) with Envoy's limits.
 */
final class HttpUpstreamCodecs {
  /** Envoy's default {@code max_response_headers_kb}: 60 KiB. */
  static final int MAX_RESPONSE_HEADERS_BYTES = 60 * 1024;

  private final boolean lowerCaseNames;

  HttpUpstreamCodecs(int maxHeadersCount, HeaderKeyFormat format) {
    this.lowerCaseNames = !format.preservesCase();
  }

  /**
   * Adds the decoder and the encoder (which tells the decoder each request's method) at the pipeline's end;
   * returns the decoder.
   */
  Http1ResponseDecoder install(ChannelPipeline p) {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(MAX_RESPONSE_HEADERS_BYTES, lowerCaseNames);
    p.addLast(decoder);
    p.addLast(new Http1RequestEncoder(decoder));
    return decoder;
  }
}
