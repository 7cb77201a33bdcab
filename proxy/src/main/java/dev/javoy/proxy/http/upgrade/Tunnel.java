package dev.javoy.proxy.http.upgrade;

import io.netty.handler.codec.http.HttpContent;

/** An upgraded stream's byte tunnel as the router sees it after the switch. */
public interface Tunnel {
  /** Request data of the downstream stream (HTTP/2 DATA frames); the caller keeps its reference. */
  void onDownstreamData(HttpContent data, boolean endStream);

  /** The downstream can take more bytes, or not. */
  void onDownstreamWritabilityChanged(boolean writable);

  /** The stream is gone: both ends close. Idempotent. */
  void close();
}
