package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's {@link HttpResponseStatus} constants by code, found by an array index. {@code HttpResponseStatus.valueOf}
 * was ≈ 3–4 % of a worker's samples per proxied HTTP/1.1 request (called by the response decoder and for the
 * reason-phrase check on each side); an array read is nothing.
 */
public final class StandardStatuses {
  private static final HttpResponseStatus[] BY_CODE = new HttpResponseStatus[600];
  private static final byte[][] REASONS = new byte[600][];

  static {
    for (int code = 100; code < BY_CODE.length; code++) {
      HttpResponseStatus s = HttpResponseStatus.valueOf(code);
      if (s == HttpResponseStatus.valueOf(code)) { // a constant (an unknown code gets a new object per call)
        BY_CODE[code] = s;
        REASONS[code] = s.reasonPhrase().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      }
    }
  }

  private StandardStatuses() {}

  /** Whether {@code b[from, to)} is the standard reason phrase of {@code code} (false when it has none). */
  public static boolean isStandardReason(int code, byte[] b, int from, int to) {
    byte[] r = code >= 0 && code < REASONS.length ? REASONS[code] : null;
    return r != null && java.util.Arrays.equals(b, from, to, r, 0, r.length);
  }

  /** Netty's constant for {@code code} (its standard reason phrase), or null when Netty has none. */
  public static HttpResponseStatus of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
