package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.upgrade.UpgradeTunnel;
import dev.javoy.proxy.network.DownstreamConnection;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The codec side of one downstream stream, as {@link ActiveStream} sees it (Envoy's
 * {@code ResponseEncoder} plus stream control): HTTP/1.1 connections implement it once per connection,
 * HTTP/2 once per stream. Called on the connection's event loop.
 */
interface StreamCodec {
  DownstreamConnection downstream();

  /** {@code %PROTOCOL%} of a request on this codec ({@code HTTP/1.1}, {@code HTTP/2}). */
  default String protocol(HttpRequest request) {
    return request.protocolVersion().text();
  }

  /** Writes response headers (already through the encoder filters and {@link ResponseHeaderMutator}). */
  void writeResponseHeaders(ActiveStream s, HttpResponse response);

  /** Writes response data; {@code last} ends the response. Ownership of {@code data} passes. */
  void writeResponseData(ActiveStream s, HttpContent data, boolean last);

  /** The response is complete (after the last data was written). */
  void onResponseComplete(ActiveStream s);

  /** Pauses or resumes reading request data (flow control). */
  void setReading(boolean enabled);

  /** Whether more response bytes can be written now. */
  boolean writable();

  /**
   * Switches the connection to a byte tunnel with {@code upstream} after a {@code 101} response (already written
   * with {@link #writeResponseHeaders}); returns the tunnel, or null when this codec cannot (HTTP/2).
   */
  default UpgradeTunnel startTunnel(ActiveStream s, Channel upstream) {
    return null;
  }

  /** Aborts the stream (HTTP/1.1: closes the connection; HTTP/2: RST_STREAM). */
  void resetStream(ActiveStream s);
}
