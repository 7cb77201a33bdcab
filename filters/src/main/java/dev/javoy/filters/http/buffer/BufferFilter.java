package dev.javoy.filters.http.buffer;

import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.stats.Counter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One stream of {@code envoy.filters.http.buffer}, as Envoy's: a request with a body is held (headers and data)
 * until it is complete, then goes on with {@code content-length} set to the buffered size when it had none (a
 * chunked request goes upstream with a length); more than {@code max_request_bytes} is answered with 413
 * {@code Payload Too Large}, as Envoy's connection manager does when a buffering filter's limit is exceeded.
 */
final class BufferFilter implements HttpFilter {
  static final String TOO_LARGE_BODY = "Payload Too Large";
  static final String TOO_LARGE_DETAILS = "request_payload_too_large";

  private final BufferSettings filterSettings;
  private final Counter tooLarge;
  private final HttpFilterCallbacks callbacks;
  private HttpRequest request;
  private long limit;
  private long buffered;
  private boolean buffering;

  BufferFilter(BufferSettings filterSettings, Counter tooLarge, HttpFilterCallbacks callbacks) {
    this.filterSettings = filterSettings;
    this.tooLarge = tooLarge;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest req, boolean endStream) {
    if (endStream) {
      return FilterStatus.CONTINUE; // nothing to buffer
    }
    BufferSettings s = callbacks.perFilterConfig() instanceof BufferSettings perRoute ? perRoute : filterSettings;
    if (s.disabled()) {
      return FilterStatus.CONTINUE;
    }
    request = req;
    limit = s.maxRequestBytes();
    buffering = true;
    return FilterStatus.STOP_ITERATION;
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (!buffering) {
      return FilterStatus.CONTINUE;
    }
    buffered += data.content().readableBytes();
    if (buffered > limit) {
      buffering = false;
      tooLarge.inc();
      callbacks.sendLocalReply(413, TOO_LARGE_BODY, null, TOO_LARGE_DETAILS);
      return FilterStatus.STOP_ITERATION_NO_BUFFER;
    }
    if (!endStream) {
      return FilterStatus.STOP_ITERATION; // held by the connection manager, in order
    }
    buffering = false;
    HttpHeaders h = request.headers();
    if (!h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      // Envoy's codec never forwards transfer-encoding; with a length, the upstream request is not chunked.
      h.remove(HttpHeaderNames.TRANSFER_ENCODING);
      h.set(HttpHeaderNames.CONTENT_LENGTH, buffered);
    }
    // The headers and the held data go on now; this last piece follows them when this method returns.
    callbacks.continueDecoding();
    return FilterStatus.CONTINUE;
  }
}
