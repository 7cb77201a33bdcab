package dev.javoy.proxy.upstream.http1;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** Receives one upstream response on the connection's (= the stream's) event loop. */
public interface ResponseHandler {
  void onResponseHeaders(HttpResponse response);

  /** Body bytes; ownership of {@code content} passes to the handler. {@code last} ends the response. */
  void onResponseData(HttpContent content, boolean last);

  /** The connection ended before the response did. */
  void onUpstreamReset(String reason);

  /** The upstream connection became writable or not (request-direction backpressure). */
  default void onUpstreamWritabilityChanged(boolean writable) {}
}
