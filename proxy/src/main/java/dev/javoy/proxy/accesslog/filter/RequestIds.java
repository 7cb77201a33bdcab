package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/** The request id of a stream: the one the connection manager assigned, else the x-request-id header. */
final class RequestIds {
  private RequestIds() {}

  static String of(StreamInfo info) {
    if (info.requestId != null) {
      return info.requestId.toString();
    }
    return info.requestHeaders == null ? null : info.requestHeaders.headers().get("x-request-id");
  }

  /** Envoy's integer form of a UUID request id: its first 8 hex digits, or -1 when it has none. */
  static long toInteger(String id) {
    if (id == null || id.length() < 8) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int d = Character.digit(id.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
