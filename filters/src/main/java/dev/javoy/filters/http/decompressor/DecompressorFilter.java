package dev.javoy.filters.http.decompressor;

import dev.javoy.filters.compression.DecompressionException;
import dev.javoy.filters.compression.HeaderTokens;
import dev.javoy.filters.compression.StreamDecompressor;
import dev.javoy.filters.compression.TransformedContent;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One stream of {@code envoy.filters.http.decompressor}: a request or response whose first content coding is
 * the library's is decompressed chunk by chunk as it streams, that coding and {@code content-length} removed
 * (Envoy's rules and counters); the request advertises the coding in {@code accept-encoding} when responses
 * are decompressed. Input that does not decode, or inflates beyond the library's bomb guard, resets the
 * stream (Envoy passes on what it decoded so far instead). The {@code x-envoy-decompressor-*} trailers are
 * not added: HTTP/1 drops trailers, as Envoy's codec does by default.
 */
final class DecompressorFilter implements HttpFilter {
  private static final Logger LOG = Log.get("filter");

  private final DecompressorFilterConfig config;
  private final HttpFilterCallbacks callbacks;
  private boolean headRequest;
  private StreamDecompressor requestDecompressor;
  private StreamDecompressor responseDecompressor;

  DecompressorFilter(DecompressorFilterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    HttpHeaders h = request.headers();
    headRequest = HttpMethod.HEAD.equals(request.method());
    if (config.response.enabled() && config.advertiseAcceptEncoding) {
      h.set(HttpHeaderNames.ACCEPT_ENCODING, withEncoding(h.getAll(HttpHeaderNames.ACCEPT_ENCODING),
          config.contentEncoding));
    }
    if (!endStream) {
      requestDecompressor = maybeStart(config.request, request);
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (requestDecompressor == null) {
      return FilterStatus.CONTINUE;
    }
    HttpContent out = decompress(requestDecompressor, config.request, data, endStream);
    if (out != null) {
      callbacks.injectDecodedData(out, endStream);
    }
    return FilterStatus.STOP_ITERATION_NO_BUFFER;
  }

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    int code = response.status().code();
    if (!endStream && !headRequest && code >= 200 && code != 204 && code != 304) {
      responseDecompressor = maybeStart(config.response, response);
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus encodeData(HttpContent data, boolean endStream) {
    if (responseDecompressor == null) {
      return FilterStatus.CONTINUE;
    }
    HttpContent out = decompress(responseDecompressor, config.response, data, endStream);
    if (out != null) {
      callbacks.encodeData(out, endStream);
    }
    return FilterStatus.STOP_ITERATION_NO_BUFFER;
  }

  @Override
  public void onDestroy() {
    if (requestDecompressor != null) {
      requestDecompressor.close();
    }
    if (responseDecompressor != null) {
      responseDecompressor.close();
    }
  }

  /**
   * A decompressor when the message's first content coding is the library's (and neither the direction is off
   * nor {@code no-transform} forbids it), with the headers changed to describe the decoded body; else null.
   */
  private StreamDecompressor maybeStart(DecompressorFilterConfig.Direction dir, HttpMessage m) {
    HttpHeaders h = m.headers();
    String codings = h.get(HttpHeaderNames.CONTENT_ENCODING);
    boolean noTransform = HeaderTokens.contains(h.get(HttpHeaderNames.CACHE_CONTROL), "no-transform");
    if (!dir.enabled() || (noTransform && !dir.ignoreNoTransformHeader()) || codings == null
        || !HeaderTokens.first(codings).equalsIgnoreCase(config.contentEncoding)) {
      dir.stats().notDecompressed().inc();
      return null;
    }
    dir.stats().decompressed().inc();
    String rest = HeaderTokens.afterFirst(codings);
    if (rest.isEmpty()) {
      h.remove(HttpHeaderNames.CONTENT_ENCODING);
    } else {
      h.set(HttpHeaderNames.CONTENT_ENCODING, rest);
    }
    HttpUtil.setTransferEncodingChunked(m, true); // the decoded length is unknown: drops content-length
    return config.library.newDecompressor();
  }

  /**
   * Decompresses one chunk, counting bytes in and out.
   *
   * @return the chunk to pass on, or null when there is nothing to pass (empty output before the end, or bad
   *     input that reset the stream)
   */
  private HttpContent decompress(StreamDecompressor decompressor, DecompressorFilterConfig.Direction dir,
      HttpContent data, boolean last) {
    ByteBuf in = data.content();
    ByteBuf out;
    try {
      out = decompressor.decompress(in, in.alloc());
    } catch (DecompressionException e) {
      var counter = config.libraryErrors.get(e.stat());
      if (counter != null) {
        counter.inc();
      }
      LOG.fine(() -> config.contentEncoding + " decompression failed (" + e.getMessage() + "); resetting the stream");
      callbacks.resetStream();
      return null;
    }
    dir.stats().totalCompressedBytes().add(in.readableBytes());
    dir.stats().totalUncompressedBytes().add(out.readableBytes());
    if (!last && !out.isReadable()) {
      out.release();
      return null;
    }
    return TransformedContent.of(out, last, data);
  }

  /**
   * The {@code accept-encoding} value with {@code encoding} added at full weight: any item of that coding
   * (with or without a q-value) is replaced by the bare coding at the end.
   */
  static String withEncoding(List<String> values, String encoding) {
    List<String> items = new ArrayList<>();
    for (String value : values) {
      for (String item : value.split(",")) {
        String t = item.trim();
        if (!t.isEmpty() && !HeaderTokens.mediaType(t).equalsIgnoreCase(encoding)) {
          items.add(t);
        }
      }
    }
    items.add(encoding);
    return String.join(", ", items);
  }
}
