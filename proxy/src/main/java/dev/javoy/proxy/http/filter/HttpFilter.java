package dev.javoy.proxy.http.filter;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One stream's instance of an HTTP filter (Envoy's {@code StreamFilter}): decoder callbacks see the request
 * in configuration order, encoder callbacks see the response in reverse order. Called on the stream's worker
 * thread only. Data passed to a filter is owned by the connection manager: a filter that keeps it must
 * {@code retain()} it.
 */
public interface HttpFilter {
  default FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus decodeData(HttpContent data, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus encodeData(HttpContent data, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  /** The stream ended (completed or reset); release anything held. */
  default void onDestroy() {}
}
