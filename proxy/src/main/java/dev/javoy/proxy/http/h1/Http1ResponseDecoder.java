package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The upstream HTTP/1.1 response decoder (in place of Netty's {@code HttpClientCodec} decoder), on the same parts
 * as the request decoder. Pairs each response with the method of the request it answers ({@link
 * Http1RequestEncoder} reports them): RFC 9112 section 6.3's framing: no body after HEAD or for 1xx, 204 and 304
 * (a 1xx is followed by the final response); a 2xx to CONNECT and a 101 switch the connection to raw bytes, passed
 * on as they come; a final chunked {@code Transfer-Encoding} is chunked (and {@code Content-Length} is dropped), any
 * other is read until the close; else {@code Content-Length}, else until the close. The status line is
 * {@code HTTP/1.x SP 3DIGIT [SP reason] CRLF}; the reason phrase is kept only when it is not the standard one.
 */
public final class Http1ResponseDecoder extends Http1MessageDecoder {
  private final Http1HeadScanner scanner;
  /** Methods of the requests sent and not answered yet, oldest first. */
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
  private boolean keepAlive;

  /**
   * @param maxHeaderBytes the limit of the status line and of the headers ({@code max_response_headers_kb})
   */
  public Http1ResponseDecoder(int maxHeaderBytes, boolean lowerCaseNames) {
    super(maxHeaderBytes, lowerCaseNames);
    this.scanner = new Http1HeadScanner(maxHeaderBytes, maxHeaderBytes, true);
  }

  /**
   * Whether the last response head decoded keeps the connection open ({@code HttpUtil.isKeepAlive}'s answer, from
   * the decoder's one pass over the names, {@code Connection} values read in place). Valid while
   * that response's head is being handled, i.e. in the {@code channelRead} that receives it.
   */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** A request went out with this method (its response is the next one without a request of its own). */
  public void requestSent(HttpMethod method) {
    methods.add(method);
  }

  @Override
  protected boolean decodeHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int len = scanner.scan(in);
    if (len < 0) {
      return false;
    }
    byte[] head = new byte[len + FlatHttpHeaders.spanRoom(scanner.headerLines())]; // the span table after the head
    in.readBytes(head, 0, len);
    HttpResponse res = parse(head, len);
    int code = res.status().code();
    FlatHttpHeaders h = (FlatHttpHeaders) res.headers();
    // one pass over the names: framing (Content-Length, Transfer-Encoding) and Connection (keep-alive)
    CharSequence te = null;
    int cl = -1;
    int lengths = 0;
    int connection = 0; // CLOSE_TOKEN / KEEP_ALIVE_TOKEN bits of every Connection header
    for (int i = 0, n = h.size(); i < n; i++) {
      CharSequence name = h.nameAt(i);
      if (isName(name, HttpHeaderNames.CONTENT_LENGTH)) {
        cl = i;
        lengths++;
      } else if (te == null && isName(name, HttpHeaderNames.TRANSFER_ENCODING)) {
        te = h.valueAt(i);
      } else if (isName(name, HttpHeaderNames.CONNECTION)) {
        connection |= connectionTokens(h, i);
      }
    }
    // HttpUtil.isKeepAlive's answer, from the values read in place: close wins, else the version's default or keep-alive
    keepAlive = (connection & CLOSE_TOKEN) == 0
        && (res.protocolVersion() == HttpVersion.HTTP_1_1 || (connection & KEEP_ALIVE_TOKEN) != 0);
    if (code >= 100 && code < 200) {
      out.add(res);
      expectFixedLength(0, out);
      if (code == 101) {
        methods.clear();
        state = PASS;
      }
      return true;
    }
    HttpMethod method = methods.poll();
    if (method == HttpMethod.CONNECT && code >= 200 && code < 300) {
      out.add(res);
      expectFixedLength(0, out);
      methods.clear();
      state = PASS;
      return true;
    }
    if (method == HttpMethod.HEAD || code == 204 || code == 304) {
      out.add(res);
      expectFixedLength(0, out);
      return true;
    }
    if (te != null) {
      if (cl >= 0) {
        h.remove(HttpHeaderNames.CONTENT_LENGTH); // the chunked coding frames it (RFC 9112 section 6.3)
      }
      out.add(res);
      if (h.containsValue(HttpHeaderNames.TRANSFER_ENCODING, io.netty.handler.codec.http.HttpHeaderValues.CHUNKED,
          true) && lastCodingIsChunked(te)) {
        expectChunked();
      } else {
        expectUntilClose();
      }
      return true;
    }
    if (lengths > 1) {
      throw new IllegalArgumentException("Multiple Content-Length values found");
    }
    long length = cl < 0 ? -1 : Http1RequestDecoder.contentLength(h, cl);
    out.add(res);
    if (length < 0) {
      expectUntilClose();
    } else {
      expectFixedLength(length, out);
    }
    return true;
  }

  private static final int CLOSE_TOKEN = 1;
  private static final int KEEP_ALIVE_TOKEN = 2;

  /**
   * The {@code close} and {@code keep-alive} tokens of the {@code i}-th header's comma-separated value (any case,
   * optional whitespace around each), read in place: the value stays a span of the head.
   */
  private static int connectionTokens(FlatHttpHeaders h, int i) {
    int n = h.valueLength(i);
    int found = 0;
    int start = 0;
    while (start <= n) {
      int end = start;
      while (end < n && h.valueCharAt(i, end) != ',') {
        end++;
      }
      int s = start;
      int e = end;
      while (s < e && isOws(h.valueCharAt(i, s))) {
        s++;
      }
      while (e > s && isOws(h.valueCharAt(i, e - 1))) {
        e--;
      }
      if (tokenIs(h, i, s, e, "close")) {
        found |= CLOSE_TOKEN;
      } else if (tokenIs(h, i, s, e, "keep-alive")) {
        found |= KEEP_ALIVE_TOKEN;
      }
      start = end + 1;
    }
    return found;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean tokenIs(FlatHttpHeaders h, int i, int s, int e, String token) {
    if (e - s != token.length()) {
      return false;
    }
    for (int k = 0; k < token.length(); k++) {
      char c = h.valueCharAt(i, s + k);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != token.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private boolean isName(CharSequence name, AsciiString known) {
    return name == known || (!lowerCaseNames && known.contentEqualsIgnoreCase(name));
  }

  private static boolean lastCodingIsChunked(CharSequence te) {
    int e = te.length();
    while (e > 0 && (te.charAt(e - 1) == ' ' || te.charAt(e - 1) == '\t')) {
      e--;
    }
    int s = e;
    while (s > 0 && te.charAt(s - 1) != ',') {
      s--;
    }
    while (s < e && (te.charAt(s) == ' ' || te.charAt(s) == '\t')) {
      s++;
    }
    return e - s == 7 && AsciiString.regionMatches(te, true, s, "chunked", 0, 7);
  }

  private HttpResponse parse(byte[] b, int len) {
    int lineEnd = Http1HeaderLines.lineEnd(b, 0, len);
    if (lineEnd < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[5] != '1'
        || b[6] != '.' || (b[7] != '1' && b[7] != '0') || b[8] != ' ') {
      throw new IllegalArgumentException("invalid status line");
    }
    HttpVersion version = b[7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
    int code = 0;
    for (int i = 9; i < 12; i++) {
      if (b[i] < '0' || b[i] > '9') {
        throw new IllegalArgumentException("invalid status code");
      }
      code = code * 10 + (b[i] - '0');
    }
    if (code < 100) {
      throw new IllegalArgumentException("invalid status code");
    }
    int rs = lineEnd;
    if (lineEnd > 12) {
      if (b[12] != ' ') {
        throw new IllegalArgumentException("invalid status line");
      }
      rs = 13;
    }
    for (int i = rs; i < lineEnd; i++) {
      int c = b[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new IllegalArgumentException("invalid reason phrase");
      }
    }
    HttpResponseStatus standard = StandardStatuses.of(code);
    HttpResponseStatus status = standard;
    if (standard == null || !StandardStatuses.isStandardReason(code, b, rs, lineEnd)) {
      status = new HttpResponseStatus(code, new String(b, rs, lineEnd - rs, StandardCharsets.ISO_8859_1));
    }
    // room for what the router adds (x-envoy-upstream-service-time, ...)
    FlatHttpHeaders headers = new FlatHttpHeaders(lowerCaseNames, true, scanner.headerLines() + 3);
    headers.decodingFrom(b, len, scanner.headerLines()); // values the router only forwards are copied from the head
    String error = Http1HeaderLines.parse(b, lineEnd + 2, len, headers, lowerCaseNames);
    if (error != null) {
      throw new IllegalArgumentException(error);
    }
    return new DefaultHttpResponse(version, status, headers);
  }

  @Override
  protected Object invalidMessage(Exception cause) {
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_0, new HttpResponseStatus(999, "Unknown"),
        new FlatHttpHeaders());
    res.setDecoderResult(DecoderResult.failure(cause));
    return res;
  }
}
