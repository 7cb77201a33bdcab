package dev.javoy.proxy.upstream;

import dev.javoy.proxy.upstream.http1.ResponseHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;

/**
 * One request/response exchange with an upstream host, as the router drives it, whatever the protocol: an
 * HTTP/1.1 connection lent for one stream, or one HTTP/2 stream. Used only on the stream's event loop.
 */
public interface UpstreamStream {
  /**
   * The channel that carries this stream's bytes: its local address is the upstream local address, and
   * pausing its reads ({@code config().setAutoRead(false)}) applies backpressure to this response alone.
   */
  Channel channel();

  /** Starts the stream; the caller then writes the request with {@link #write} and ends it. */
  void startStream(ResponseHandler handler);

  /**
   * Writes part of the request: the {@code HttpRequest} first, then body chunks; {@code last} ends the request.
   * Flushes when {@code flush}. Ownership of {@code msg} passes.
   */
  void write(HttpObject msg, boolean last, boolean flush);

  void flush();

  /** Whether more request bytes can be written now. */
  boolean isWritable();

  /** The upstream connection's TLS facts (null: plain TCP, or no handshake). */
  default dev.javoy.proxy.tls.TlsConnectionInfo tls() {
    return dev.javoy.proxy.tls.TlsConnectionInfo.upstreamOf(channel());
  }

  /** Abandons the stream (HTTP/1.1: closes the connection; HTTP/2: RST_STREAM). */
  void reset();
}
