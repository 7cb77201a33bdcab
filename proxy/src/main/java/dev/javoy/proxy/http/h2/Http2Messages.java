package dev.javoy.proxy.http.h2;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * Converts between HTTP/2 header blocks and the connection manager's message model (Netty's
 * {@code HttpRequest}/{@code HttpResponse}, trailers as {@code LastHttpContent} trailing headers), as Envoy's
 * codecs map pseudo-headers: {@code :authority} is the request's {@code host}, {@code :method} and
 * {@code :path} its request line, {@code :status} the response's status. Connection-specific headers never
 * cross into HTTP/2; HTTP/2's split {@code cookie} headers are joined for HTTP/1.1.
 */
public final class Http2Messages {
  /** A header block that is not a valid HTTP message (Envoy's {@code rx_messaging_error}). */
  public static final class InvalidMessageException extends Exception {
    public InvalidMessageException(String message) {
      super(message, null, false, false);
    }
  }

  private static final AsciiString TRAILERS = AsciiString.cached("trailers");
  /**
   * Headers of a request decoded from HTTP/2: the codec has validated the names already (lower-case tokens,
   * {@code Http2Codecs} validates headers), so only the values are checked again (no CR, LF or NUL may reach an
   * HTTP/1.1 upstream).
   */
  private static final HttpHeadersFactory DECODED_REQUEST_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withNameValidation(false).withValueValidation(true);
  private static final HttpMethod[] COMMON_METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.PUT,
      HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.TRACE, HttpMethod.CONNECT};
  /** Header names a response usually has, lower case: upper-case spellings map to these without allocating. */
  private static final AsciiString[] COMMON_NAMES = {HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH,
      HttpHeaderNames.DATE, HttpHeaderNames.SERVER, HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.ETAG,
      HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.VARY, HttpHeaderNames.LOCATION, HttpHeaderNames.SET_COOKIE,
      HttpHeaderNames.ACCEPT_RANGES, HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.EXPIRES,
      HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING};

  private Http2Messages() {}

  /**
   * The request of a downstream HEADERS frame. A request with a body but no {@code content-length} is marked
   * chunked so that an HTTP/1.1 upstream can frame it.
   */
  public static HttpRequest toRequest(Http2Headers h, boolean endStream) throws InvalidMessageException {
    return toRequest(h, endStream, false);
  }

  /**
   * {@link #toRequest(Http2Headers, boolean)}; with {@code allowConnect}, an RFC 8441 extended CONNECT
   * ({@code :protocol}) becomes the HTTP/1.1 upgrade request Envoy makes of it: {@code GET} with
   * {@code Upgrade: <:protocol>} and {@code Connection: upgrade}; its DATA frames are the tunnel's bytes.
   */
  public static HttpRequest toRequest(Http2Headers h, boolean endStream, boolean allowConnect)
      throws InvalidMessageException {
    CharSequence method = h.method();
    CharSequence path = h.path();
    if (method == null) {
      throw new InvalidMessageException("missing :method");
    }
    boolean extendedConnect = false;
    if (HttpMethod.CONNECT.asciiName().contentEquals(method)) {
      CharSequence protocol = h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
      if (protocol == null && path == null && h.scheme() == null) {
        return plainConnect(h); // RFC 9113 section 8.5: only :method and :authority
      }
      if (!allowConnect || protocol == null || protocol.length() == 0) {
        throw new InvalidMessageException("CONNECT is not supported (allow_connect, extended CONNECT only)");
      }
      if (path == null || path.length() == 0 || h.scheme() == null || h.authority() == null) {
        throw new InvalidMessageException("extended CONNECT without :path, :scheme or :authority");
      }
      extendedConnect = true;
      method = HttpMethod.GET.asciiName();
    }
    if (path == null || path.length() == 0 || h.scheme() == null) {
      throw new InvalidMessageException("missing :path or :scheme");
    }
    HttpRequest req;
    try {
      req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method(method), path.toString(), DECODED_REQUEST_HEADERS);
      copyRegular(h, req.headers());
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("invalid header: " + e.getMessage());
    }
    CharSequence authority = h.authority();
    if (authority != null) {
      req.headers().set(HttpHeaderNames.HOST, authority);
    }
    if (extendedConnect) {
      req.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
      req.headers().set(HttpHeaderNames.UPGRADE, h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value()));
      req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      return req;
    }
    if (!endStream && !req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      req.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return req;
  }

  /**
   * A plain CONNECT stream: {@code CONNECT <authority>} with {@code Host} the authority; its DATA frames are the
   * tunnel's bytes. The connection manager allows it only when {@code upgrade_configs} enables CONNECT.
   */
  private static HttpRequest plainConnect(Http2Headers h) throws InvalidMessageException {
    CharSequence authority = h.authority();
    if (authority == null || authority.length() == 0) {
      throw new InvalidMessageException("CONNECT without :authority");
    }
    try {
      HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, authority.toString());
      copyRegular(h, req.headers());
      req.headers().set(HttpHeaderNames.HOST, authority);
      req.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
      return req;
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("invalid header: " + e.getMessage());
    }
  }

  /** The response of an upstream HEADERS frame. */
  public static HttpResponse toResponse(Http2Headers h) throws InvalidMessageException {
    CharSequence status = h.status();
    int code;
    try {
      code = status == null ? -1 : Integer.parseInt(status.toString());
    } catch (NumberFormatException e) {
      code = -1;
    }
    if (code < 100 || code > 999) {
      throw new InvalidMessageException("missing or invalid :status");
    }
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
    try {
      copyRegular(h, resp.headers());
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("invalid header: " + e.getMessage());
    }
    return resp;
  }

  /** Trailers (a HEADERS frame after the data) as the end of the message. */
  public static LastHttpContent toTrailers(Http2Headers h) throws InvalidMessageException {
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    try {
      copyRegular(h, last.trailingHeaders());
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("invalid trailer: " + e.getMessage());
    }
    return last;
  }

  /** The HEADERS of a downstream response. */
  public static Http2Headers fromResponse(HttpResponse resp) {
    Http2Headers out = new DefaultHttp2Headers(false, resp.headers().size() + 1);
    out.status(resp.status().codeAsText());
    copyToHttp2(resp.headers(), out);
    return out;
  }

  /** The HEADERS of an upstream request ({@code host} becomes {@code :authority}). */
  public static Http2Headers fromRequest(HttpRequest req, String scheme) {
    HttpHeaders in = req.headers();
    Http2Headers out = new DefaultHttp2Headers(false, in.size() + 4);
    out.method(req.method().asciiName());
    out.scheme(scheme);
    String host = in.get(HttpHeaderNames.HOST);
    if (host != null) {
      out.authority(host);
    }
    out.path(req.uri());
    copyToHttp2(in, out);
    CharSequence te = in.get(HttpHeaderNames.TE);
    if (te != null && AsciiString.containsIgnoreCase(te, TRAILERS)) {
      out.set(HttpHeaderNames.TE, TRAILERS); // the only value HTTP/2 allows
    }
    return out;
  }

  /** Trailers going out in a HEADERS frame. */
  public static Http2Headers fromTrailers(HttpHeaders trailers) {
    Http2Headers out = new DefaultHttp2Headers(false, trailers.size());
    copyToHttp2(trailers, out);
    return out;
  }

  /** The method of {@code :method}; the common ones without allocating. */
  private static HttpMethod method(CharSequence name) {
    for (HttpMethod m : COMMON_METHODS) {
      if (m.asciiName().contentEquals(name)) {
        return m;
      }
    }
    return HttpMethod.valueOf(name.toString());
  }

  /** {@code name} in lower case; a common name as its constant (no allocation). */
  static AsciiString lowerCaseName(CharSequence name) {
    if (name instanceof AsciiString a && !hasUpperCase(a)) {
      return a;
    }
    int n = name.length();
    for (AsciiString c : COMMON_NAMES) {
      if (c.length() == n && c.contentEqualsIgnoreCase(name)) {
        return c;
      }
    }
    return AsciiString.of(name).toLowerCase();
  }

  private static boolean hasUpperCase(AsciiString s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      byte b = s.byteAt(i);
      if (b >= 'A' && b <= 'Z') {
        return true;
      }
    }
    return false;
  }

  private static void copyRegular(Http2Headers in, HttpHeaders out) {
    StringBuilder cookies = null;
    for (Map.Entry<CharSequence, CharSequence> e : in) {
      CharSequence name = e.getKey();
      if (name.length() > 0 && name.charAt(0) == ':') {
        continue;
      }
      if (HttpHeaderNames.COOKIE.contentEquals(name)) {
        if (cookies == null) {
          cookies = new StringBuilder(e.getValue());
        } else {
          cookies.append("; ").append(e.getValue());
        }
        continue;
      }
      out.add(name, e.getValue());
    }
    if (cookies != null) {
      out.set(HttpHeaderNames.COOKIE, cookies.toString());
    }
  }

  private static void copyToHttp2(HttpHeaders in, Http2Headers out) {
    Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      AsciiString name = lowerCaseName(e.getKey());
      if (name.isEmpty() || name.charAt(0) == ':' || isConnectionSpecific(name)) {
        continue;
      }
      out.add(name, e.getValue());
    }
  }

  /** Headers that only mean something to one HTTP/1.1 connection (RFC 9113 section 8.2.2), and {@code host}. */
  static boolean isConnectionSpecific(AsciiString lowerName) {
    return HttpHeaderNames.CONNECTION.contentEquals(lowerName)
        || HttpHeaderNames.KEEP_ALIVE.contentEquals(lowerName)
        || HttpHeaderNames.PROXY_CONNECTION.contentEquals(lowerName)
        || HttpHeaderNames.TRANSFER_ENCODING.contentEquals(lowerName)
        || HttpHeaderNames.UPGRADE.contentEquals(lowerName)
        || HttpHeaderNames.TE.contentEquals(lowerName)
        || HttpHeaderNames.HOST.contentEquals(lowerName);
  }
}
