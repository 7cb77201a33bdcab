package dev.javoy.filters.http.compressor;

import dev.javoy.filters.compression.StreamCompressor;
import dev.javoy.filters.compression.TransformedContent;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One stream of {@code envoy.filters.http.compressor}: decides from the headers whether the body gets
 * compressed (Envoy's rules and counters), then compresses it chunk by chunk as it streams, each chunk flushed
 * so the receiver sees progress, the stream finished with the last chunk. Responses by default, requests when
 * {@code request_direction_config} enables it.
 */
final class CompressorFilter implements HttpFilter {
  private static final Logger LOG = Log.get("filter");

  private final CompressorFilterConfig config;
  private final HttpFilterCallbacks callbacks;
  private final CompressorChain chain;
  private String acceptEncoding;
  private boolean headRequest;
  private StreamCompressor requestCompressor;
  private StreamCompressor responseCompressor;

  CompressorFilter(CompressorFilterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
    this.chain = CompressorChain.join(callbacks.streamInfo(), config);
  }

  // ---- request ----

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    HttpHeaders h = request.headers();
    acceptEncoding = CompressionHeaders.joined(h, HttpHeaderNames.ACCEPT_ENCODING);
    headRequest = HttpMethod.HEAD.equals(request.method());
    CompressorPerRouteConfig perRoute = perRoute();
    if (responseCompressionEnabled(perRoute) && removeAcceptEncodingHeader(perRoute)) {
      h.remove(HttpHeaderNames.ACCEPT_ENCODING);
    }
    DirectionConfig dir = config.request;
    if (!endStream && dir.enabled && !CompressionHeaders.isUpgrade(h) && dir.isMinimumContentLength(h)
        && dir.isContentTypeAllowed(h) && !h.contains(HttpHeaderNames.CONTENT_ENCODING)
        && CompressionHeaders.isTransferEncodingAllowed(h, config.contentEncoding)) {
      markCompressed(request);
      dir.stats.compressed().inc();
      requestCompressor = config.library.newCompressor();
    } else {
      dir.stats.notCompressed().inc();
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (requestCompressor == null) {
      return FilterStatus.CONTINUE;
    }
    HttpContent out = compress(requestCompressor, config.request.stats, data, endStream);
    if (out != null) {
      callbacks.injectDecodedData(out, endStream);
    }
    return FilterStatus.STOP_ITERATION_NO_BUFFER;
  }

  // ---- response ----

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    HttpHeaders h = response.headers();
    DirectionConfig dir = config.response;
    int code = response.status().code();
    boolean bodyless = endStream || headRequest || code < 200 || code == 204 || code == 304;
    boolean enabledAndBigEnough = responseCompressionEnabled(perRoute()) && dir.isMinimumContentLength(h);
    boolean compressible = enabledAndBigEnough && !CompressionHeaders.isUpgrade(h)
        && !config.uncompressibleResponseCodes.contains(code) && dir.isContentTypeAllowed(h)
        && !CompressionHeaders.hasNoTransform(h) && isEtagAllowed(h) && !h.contains(HttpHeaderNames.CONTENT_ENCODING);
    if (!bodyless && isAcceptEncodingAllowed(enabledAndBigEnough, h) && compressible
        && CompressionHeaders.isTransferEncodingAllowed(h, config.contentEncoding)) {
      CompressionHeaders.sanitizeEtag(h);
      markCompressed(response);
      dir.stats.compressed().inc();
      responseCompressor = config.library.newCompressor();
    } else {
      dir.stats.notCompressed().inc();
    }
    if (compressible) {
      // Even uncompressed, the response varies with accept-encoding: caches in front must know.
      CompressionHeaders.insertVary(h);
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus encodeData(HttpContent data, boolean endStream) {
    if (responseCompressor == null) {
      return FilterStatus.CONTINUE;
    }
    HttpContent out = compress(responseCompressor, config.response.stats, data, endStream);
    if (out != null) {
      callbacks.encodeData(out, endStream);
    }
    return FilterStatus.STOP_ITERATION_NO_BUFFER;
  }

  @Override
  public void onDestroy() {
    if (requestCompressor != null) {
      requestCompressor.close();
    }
    if (responseCompressor != null) {
      responseCompressor.close();
    }
    chain.leave();
  }

  // ---- helpers ----

  /** The compressed body goes with its coding and chunked (its length is unknown until it ends). */
  private void markCompressed(HttpMessage m) {
    m.headers().set(HttpHeaderNames.CONTENT_ENCODING, config.contentEncoding);
    HttpUtil.setTransferEncodingChunked(m, true); // also drops content-length
  }

  /**
   * Compresses one chunk (flushed, or finished at the end of the stream), counting bytes in and out.
   *
   * @return the chunk to pass on, or null when there is nothing to pass (empty output before the end, or a
   *     failure that reset the stream)
   */
  private HttpContent compress(StreamCompressor compressor, DirectionStats stats, HttpContent data, boolean last) {
    ByteBuf in = data.content();
    ByteBuf out;
    try {
      stats.totalUncompressedBytes().add(in.readableBytes());
      out = compressor.compress(in, in.alloc(), last);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "compression with " + config.contentEncoding + " failed; resetting the stream", e);
      callbacks.resetStream();
      return null;
    }
    stats.totalCompressedBytes().add(out.readableBytes());
    if (!last && !out.isReadable()) {
      out.release();
      return null;
    }
    return TransformedContent.of(out, last, data);
  }

  private CompressorPerRouteConfig perRoute() {
    return callbacks.perFilterConfig() instanceof CompressorPerRouteConfig c ? c : null;
  }

  private boolean responseCompressionEnabled(CompressorPerRouteConfig perRoute) {
    return perRoute != null && perRoute.responseCompressionEnabled() != null
        ? perRoute.responseCompressionEnabled() : config.response.enabled;
  }

  private boolean removeAcceptEncodingHeader(CompressorPerRouteConfig perRoute) {
    return perRoute != null && perRoute.removeAcceptEncodingHeader() != null
        ? perRoute.removeAcceptEncodingHeader() : config.removeAcceptEncodingHeader;
  }

  private boolean isEtagAllowed(HttpHeaders h) {
    boolean allowed = !(config.disableOnEtagHeader && h.contains(HttpHeaderNames.ETAG));
    if (!allowed) {
      config.responseStats.notCompressedEtag().inc();
    }
    return allowed;
  }

  /**
   * Whether the user agent takes this filter's encoding, deciding for the whole chain on the first call of the
   * stream, and counting the {@code no_accept_header} / {@code header_*} stats. Nothing is counted when the
   * response is not a candidate ({@code maybeCompress} false).
   */
  private boolean isAcceptEncodingAllowed(boolean maybeCompress, HttpHeaders responseHeaders) {
    if (!maybeCompress) {
      return false;
    }
    if (acceptEncoding == null) {
      config.responseStats.noAcceptHeader().inc();
      return false;
    }
    EncodingDecision d = chain.decision();
    if (d == null) {
      d = EncodingDecision.choose(acceptEncoding,
          EncodingDecision.mediaTypeOf(responseHeaders.get(HttpHeaderNames.CONTENT_TYPE)), chain.configs());
      chain.decide(d);
    }
    boolean mine = config.contentEncoding.equalsIgnoreCase(d.encoding());
    ResponseStats s = config.responseStats;
    switch (d.stat()) {
      case VALID_COMPRESSOR -> (mine ? s.headerCompressorUsed() : s.headerCompressorOvershadowed()).inc();
      case IDENTITY -> s.headerIdentity().inc();
      case WILDCARD -> s.headerWildcard().inc();
      default -> s.headerNotValid().inc();
    }
    return mine;
  }
}
