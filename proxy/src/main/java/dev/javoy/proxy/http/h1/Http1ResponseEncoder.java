package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The downstream HTTP/1.1 response encoder of the connection manager (in place of Netty's {@code HttpServerCodec}
 * encoder). Status lines of the standard statuses are precomputed bytes. Like the codec it replaces, it pairs each
 * final response with the method of the request it answers ({@link Http1RequestDecoder} reports them): a response
 * to HEAD has no body; 1xx and 204 lose {@code Content-Length} and {@code Transfer-Encoding}, a 2xx to CONNECT
 * loses {@code Transfer-Encoding} (RFC 9112 section 6).
 */
public final class Http1ResponseEncoder extends Http1MessageEncoder implements Http1RequestDecoder.MethodListener {
  private static final byte[][] STATUS_LINES = new byte[600][];
  private static final String[] REASONS = new String[600];
  /** Netty's constant of each standard status, by code. */
  private static final HttpResponseStatus[] STANDARD = new HttpResponseStatus[600];

  static {
    for (int code = 100; code < 600; code++) {
      HttpResponseStatus s = HttpResponseStatus.valueOf(code);
      if (s == HttpResponseStatus.valueOf(code)) { // a constant: a standard status
        STATUS_LINES[code] = ("HTTP/1.1 " + code + " " + s.reasonPhrase() + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        REASONS[code] = s.reasonPhrase();
        STANDARD[code] = s;
      }
    }
  }

  /** Methods of the requests not answered yet, oldest first (pipelining). */
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
  private byte[] line;

  /** Whether {@code s} is Netty's constant for its code (a standard status with its standard reason phrase). */
  public static boolean isStandard(HttpResponseStatus s) {
    int code = s.code();
    return code >= 100 && code < 600 && STANDARD[code] == s;
  }

  @Override
  public void requestDecoded(HttpMethod method) {
    methods.add(method);
  }

  @Override
  protected boolean contentAlwaysEmpty(HttpMessage m) {
    HttpResponse r = (HttpResponse) m;
    int code = r.status().code();
    boolean informational = code >= 100 && code < 200;
    HttpMethod method = informational ? null : methods.poll();
    boolean empty = informational || code == 204 || code == 304 || method == HttpMethod.HEAD;
    if (informational || code == 204) {
      r.headers().remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.TRANSFER_ENCODING);
    } else if (!empty && method == HttpMethod.CONNECT && code < 300 && code >= 200) {
      r.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    }
    return empty;
  }

  @Override
  protected int startLineLength(HttpMessage m) {
    HttpResponse r = (HttpResponse) m;
    HttpResponseStatus s = r.status();
    int code = s.code();
    byte[] l = null;
    if (r.protocolVersion() == HttpVersion.HTTP_1_1 && code >= 100 && code < 600 && STATUS_LINES[code] != null) {
      String reason = REASONS[code];
      if (s == STANDARD[code] || reason.equals(s.reasonPhrase())) {
        l = STATUS_LINES[code];
      }
    }
    if (l == null) {
      l = (r.protocolVersion().text() + " " + code + " " + s.reasonPhrase() + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
    line = l;
    return l.length;
  }

  @Override
  protected void writeStartLine(HttpMessage m, ByteBuf out) {
    out.writeBytes(line);
    line = null;
  }
}
