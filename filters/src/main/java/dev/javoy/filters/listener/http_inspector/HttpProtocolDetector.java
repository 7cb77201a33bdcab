package dev.javoy.filters.listener.http_inspector;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Tells from a connection's first bytes whether it speaks HTTP/2 with prior knowledge (the client connection
 * preface), HTTP/1.0 or HTTP/1.1 (a request line {@code METHOD SP target SP HTTP/1.x CRLF}), or none of them,
 * deciding as early as the bytes allow.
 */
public final class HttpProtocolDetector {
  static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** What the bytes so far show. */
  public enum Result { NEED_MORE, HTTP10, HTTP11, HTTP2, NOT_HTTP }

  private HttpProtocolDetector() {}

  /** @param in the bytes read so far from its reader index (not consumed) */
  public static Result detect(ByteBuf in) {
    int start = in.readerIndex();
    int n = in.readableBytes();
    if (n == 0) {
      return Result.NEED_MORE;
    }
    int common = Math.min(n, H2_PREFACE.length);
    boolean preface = true;
    for (int i = 0; i < common; i++) {
      if (in.getByte(start + i) != H2_PREFACE[i]) {
        preface = false;
        break;
      }
    }
    if (preface) {
      return n >= H2_PREFACE.length ? Result.HTTP2 : Result.NEED_MORE;
    }
    // method: one or more token characters, then SP
    int i = 0;
    while (i < n && isToken(in.getByte(start + i))) {
      i++;
    }
    if (i == n) {
      return Result.NEED_MORE;
    }
    if (i == 0 || in.getByte(start + i) != ' ') {
      return Result.NOT_HTTP;
    }
    i++;
    // request target: visible characters up to SP
    int targetStart = i;
    while (i < n && in.getByte(start + i) > ' ' && in.getByte(start + i) < 0x7f) {
      i++;
    }
    if (i == n) {
      return Result.NEED_MORE;
    }
    if (i == targetStart || in.getByte(start + i) != ' ') {
      return Result.NOT_HTTP;
    }
    i++;
    byte[] version = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);
    for (int v = 0; v < version.length; v++, i++) {
      if (i == n) {
        return Result.NEED_MORE;
      }
      if (in.getByte(start + i) != version[v]) {
        return Result.NOT_HTTP;
      }
    }
    if (n - i < 3) {
      boolean bad = (n - i >= 1 && in.getByte(start + i) != '0' && in.getByte(start + i) != '1')
          || (n - i >= 2 && in.getByte(start + i + 1) != '\r');
      return bad ? Result.NOT_HTTP : Result.NEED_MORE;
    }
    byte minor = in.getByte(start + i);
    if (in.getByte(start + i + 1) != '\r' || in.getByte(start + i + 2) != '\n') {
      return Result.NOT_HTTP;
    }
    return minor == '0' ? Result.HTTP10 : minor == '1' ? Result.HTTP11 : Result.NOT_HTTP;
  }

  private static boolean isToken(byte b) {
    if (b <= ' ' || b >= 0x7f) {
      return false;
    }
    return "()<>@,;:\\\"/[]?={}".indexOf(b) < 0;
  }
}
