package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The downstream HTTP/1.1 request decoder of the connection manager (in place of Netty's {@code HttpServerCodec}
 * decoder): finds a request's head in the received bytes without copying them until it is complete, then copies
 * the head once into one array that the request's header names and values are views over
 * ({@link Http1HeaderLines}); produces an {@link Http1Request} and its body ({@link Http1MessageDecoder}).
 * <p>
 * As strict as Envoy (and as the Netty codec javoy used, configured strictly): request line
 * {@code method SP request-target SP HTTP-version CRLF} with a token method, a target of visible characters and
 * a well-formed version; CRLF line endings only; header rules of {@link Http1HeaderLines}; one
 * {@code Content-Length} of digits only (several, a list, a sign: 400); limits on the request line and the header
 * bytes (431); a body framed by chunked coding when {@code Transfer-Encoding} ends in chunked, else by
 * {@code Content-Length}, else none. What the connection manager decides (426 for HTTP/1.0, 501 for other transfer
 * codings, 400 for Content-Length with chunked, 431 for too many headers, Host) it decides from the request.
 * Bytes before a request line that are only CR/LF or whitespace are skipped (RFC 9112 section 2.2).
 */
public final class Http1RequestDecoder extends Http1MessageDecoder {
  private static final HttpMethod[] METHODS = {
      HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PATCH, HttpMethod.CONNECT, HttpMethod.TRACE};
  private static final byte[][] METHOD_BYTES = new byte[METHODS.length][];

  static {
    for (int i = 0; i < METHODS.length; i++) {
      METHOD_BYTES[i] = METHODS[i].name().getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final Http1HeadScanner scanner;
  private final MethodListener methods;
  private final ReadWatcher watcher;

  /** Told the method of every request decoded (the response encoder needs it for HEAD and CONNECT). */
  public interface MethodListener {
    void requestDecoded(HttpMethod method);
  }

  /** Shown each read's raw bytes before they are decoded, and told when the read's messages were handed on. */
  public interface ReadWatcher {
    void bytesRead(ByteBuf in);

    void bytesDecoded();
  }

  /**
   * @param maxHeaderBytes {@code max_request_headers_kb} in bytes: the limit of the request line and of the headers
   * @param lowerCaseNames store header names in lower case (else as received, for {@code preserve_case})
   */
  public Http1RequestDecoder(int maxHeaderBytes, boolean lowerCaseNames, MethodListener methods) {
    this(maxHeaderBytes, lowerCaseNames, methods, null);
  }

  /** @param watcher shown the raw bytes of each read (none: null) */
  public Http1RequestDecoder(int maxHeaderBytes, boolean lowerCaseNames, MethodListener methods, ReadWatcher watcher) {
    super(maxHeaderBytes, lowerCaseNames);
    this.scanner = new Http1HeadScanner(maxHeaderBytes, maxHeaderBytes, true);
    this.methods = methods;
    this.watcher = watcher;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    ReadWatcher w = watcher;
    if (w == null) {
      super.channelRead(ctx, msg);
      return;
    }
    if (msg instanceof ByteBuf b) {
      w.bytesRead(b);
    }
    super.channelRead(ctx, msg);
    w.bytesDecoded();
  }

  /** Whether a request has started arriving and is not decoded to its end (its head or body bytes are pending). */
  public boolean midMessage() {
    return (state != HEAD && state != DISCARD) || hasBufferedBytes();
  }

  @Override
  protected boolean decodeHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // Empty lines (and stray whitespace) before a request line are ignored.
    int r = in.readerIndex();
    int w = in.writerIndex();
    while (r < w) {
      byte c = in.getByte(r);
      if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
        break;
      }
      r++;
    }
    if (r != in.readerIndex()) {
      scanner.reset();
      in.readerIndex(r);
    }
    if (r == w) {
      return false;
    }
    int len = scanner.scan(in);
    if (len < 0) {
      return false;
    }
    byte[] head = new byte[len + FlatHttpHeaders.spanRoom(scanner.headerLines())]; // the span table after the head
    in.readBytes(head, 0, len);
    Http1Request req = parse(head, len);
    long framing = framing(req);
    methods.requestDecoded(req.method());
    out.add(req);
    if (framing == CHUNKED) {
      expectChunked();
    } else if (framing == UNFRAMED) {
      state = DISCARD; // refused (501) by the connection manager: no framing to find the next request by
    } else {
      expectFixedLength(framing, out);
    }
    return true;
  }

  private Http1Request parse(byte[] b, int len) {
    int lineEnd = Http1HeaderLines.lineEnd(b, 0, len);
    if (lineEnd < 0) {
      throw new IllegalArgumentException("invalid request line ending");
    }
    int sp1 = indexOf(b, 0, lineEnd, (byte) ' ');
    // the usual target: its first byte that is SP, a control character or DEL is the SP before the version (found
    // eight bytes at a time, and then no byte of the target needs a check of its own)
    int sp2 = sp1 < 0 ? -1 : LineBytes.firstSpaceOrControl(b, sp1 + 1, lineEnd);
    boolean targetChecked = sp2 >= 0 && sp2 < lineEnd && b[sp2] == ' ';
    if (!targetChecked) {
      sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, lineEnd, (byte) ' ');
    }
    if (sp1 <= 0 || sp2 <= sp1 + 1 || sp2 == lineEnd - 1) {
      throw new IllegalArgumentException("invalid request line");
    }
    HttpMethod method = method(b, sp1);
    for (int i = targetChecked ? sp2 : sp1 + 1; i < sp2; i++) {
      int c = b[i] & 0xff;
      if (c <= 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("invalid request target");
      }
    }
    String uri = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
    HttpVersion version = version(b, sp2 + 1, lineEnd);
    // room for what the connection manager and the router add (x-forwarded-proto, x-request-id, ...)
    FlatHttpHeaders headers = new FlatHttpHeaders(lowerCaseNames, true, scanner.headerLines() + 6);
    headers.decodingFrom(b, len, scanner.headerLines()); // values stay spans of the head until read
    String error = Http1HeaderLines.parse(b, lineEnd + 2, len, headers, lowerCaseNames);
    if (error != null) {
      throw new IllegalArgumentException(error);
    }
    boolean chunkedWithLength = false;
    if (version == HttpVersion.HTTP_1_1 && headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
        && headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
      chunkedWithLength = true;
    }
    return new Http1Request(version, method, uri, headers, chunkedWithLength);
  }

  private static final long CHUNKED = -1;
  private static final long UNFRAMED = -2;

  /**
   * The body's framing: its length, {@link #CHUNKED} or {@link #UNFRAMED}; refuses a bad Content-Length. The same
   * pass notes on the request which of Host, Expect and Connection it has.
   */
  private long framing(Http1Request req) {
    FlatHttpHeaders h = req.headers();
    CharSequence te = null;
    int cl = -1;
    int lengths = 0;
    for (int i = 0, n = h.size(); i < n; i++) {
      CharSequence name = h.nameAt(i);
      if (isName(name, HttpHeaderNames.CONTENT_LENGTH)) {
        cl = i;
        lengths++;
      } else if (isName(name, HttpHeaderNames.HOST)) {
        req.hasHost = true;
      } else if (isName(name, HttpHeaderNames.CONNECTION)) {
        req.hasConnection = true;
      } else if (isName(name, HttpHeaderNames.EXPECT)) {
        req.hasExpect = true;
      } else if (te == null && isName(name, HttpHeaderNames.TRANSFER_ENCODING)) {
        te = h.valueAt(i);
      }
    }
    if (lengths > 1) {
      throw new IllegalArgumentException("Multiple Content-Length values found");
    }
    long length = cl < 0 ? 0 : contentLength(h, cl);
    if (te != null) {
      length = endsWithChunked(te) ? CHUNKED : UNFRAMED;
    }
    req.bodyLength = length;
    return length;
  }

  private boolean isName(CharSequence name, AsciiString known) {
    return name == known || (!lowerCaseNames && known.contentEqualsIgnoreCase(name));
  }

  /**
   * The {@code i}-th value of {@code h} as a Content-Length: digits only (no sign, no list, no whitespace inside), at
   * most 18 of them; read in place (no view of the value is made).
   */
  static long contentLength(FlatHttpHeaders h, int i) {
    int n = h.valueLength(i);
    if (n == 0 || n > 18) {
      throw new IllegalArgumentException("invalid Content-Length");
    }
    long l = 0;
    for (int j = 0; j < n; j++) {
      char c = h.valueCharAt(i, j);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("invalid Content-Length");
      }
      l = l * 10 + (c - '0');
    }
    return l;
  }

  /** Whether the last transfer coding of the list is chunked. */
  private static boolean endsWithChunked(CharSequence te) {
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
    return e - s == 7 && AsciiString.regionMatches(te, true, s, HttpHeaderValues.CHUNKED, 0, 7);
  }

  private static int indexOf(byte[] b, int from, int to, byte v) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static HttpMethod method(byte[] b, int len) {
    outer:
    for (int m = 0; m < METHODS.length; m++) {
      byte[] mb = METHOD_BYTES[m];
      if (mb.length != len) {
        continue;
      }
      for (int i = 0; i < len; i++) {
        if (mb[i] != b[i]) {
          continue outer;
        }
      }
      return METHODS[m];
    }
    for (int i = 0; i < len; i++) {
      if (!Http1HeaderLines.isTchar(b[i])) {
        throw new IllegalArgumentException("invalid method");
      }
    }
    return HttpMethod.valueOf(new String(b, 0, len, StandardCharsets.US_ASCII));
  }

  /** {@code HTTP/1.1}, {@code HTTP/1.0}, or another well-formed {@code NAME/d.d} (refused later with 426). */
  private static HttpVersion version(byte[] b, int from, int to) {
    int n = to - from;
    if (n == 8 && b[from] == 'H' && b[from + 1] == 'T' && b[from + 2] == 'T' && b[from + 3] == 'P'
        && b[from + 4] == '/' && b[from + 5] == '1' && b[from + 6] == '.') {
      if (b[from + 7] == '1') {
        return HttpVersion.HTTP_1_1;
      }
      if (b[from + 7] == '0') {
        return HttpVersion.HTTP_1_0;
      }
    }
    int slash = indexOf(b, from, to, (byte) '/');
    if (slash <= from || to - slash != 4 || !digit(b[slash + 1]) || b[slash + 2] != '.' || !digit(b[slash + 3])) {
      throw new IllegalArgumentException("invalid version");
    }
    for (int i = from; i < slash; i++) {
      if (!((b[i] >= 'A' && b[i] <= 'Z') || (b[i] >= 'a' && b[i] <= 'z'))) {
        throw new IllegalArgumentException("invalid version");
      }
    }
    return HttpVersion.valueOf(new String(b, from, n, StandardCharsets.US_ASCII));
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  @Override
  protected Object invalidMessage(Exception cause) {
    // As Netty's decoder: a placeholder request carrying the failure.
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request",
        new FlatHttpHeaders());
    req.setDecoderResult(DecoderResult.failure(cause));
    methods.requestDecoded(HttpMethod.GET);
    return req;
  }
}
