package dev.javoy.proxy.accesslog.format;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;

/**
 * Reads request headers as Envoy's header map presents them: names are case-insensitive and the HTTP/2
 * pseudo-headers map onto the Netty request ({@code :method}, {@code :path}, {@code :authority} from the Host
 * header or an absolute-form URI, {@code :scheme}). For HTTP/1, Envoy keeps Host as {@code :authority};
 * javoy answers {@code host} with the same value.
 */
public final class RequestHeaders {
  private static final AsciiString HTTP2_SCHEME = AsciiString.cached("x-http2-scheme");

  private RequestHeaders() {}

  /** Reads one header; built once per header name at config time. */
  public interface Reader {
    /** The first value, or null when the request has no such header. */
    String first(HttpRequest request);

    /** All values joined with {@code ,} (Envoy's view of a repeated header), or null when absent. */
    default String joined(HttpRequest request) {
      return first(request);
    }
  }

  /** A reader for {@code name} (any case). Unknown pseudo-headers read as absent. */
  public static Reader reader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    switch (lower) {
      case ":method":
        return r -> r.method().name();
      case ":path":
        return RequestHeaders::path;
      case ":authority":
      case "host":
        return RequestHeaders::authority;
      case ":scheme":
        return RequestHeaders::scheme;
      default:
        if (lower.startsWith(":")) {
          return r -> null;
        }
        return new Regular(AsciiString.cached(lower));
    }
  }

  /** {@code :path}: the request target, without scheme and authority when it is in absolute form. */
  public static String path(HttpRequest r) {
    if (r.method() == HttpMethod.CONNECT) {
      return null;
    }
    String uri = r.uri();
    int schemeEnd = absoluteSchemeEnd(uri);
    if (schemeEnd < 0) {
      return uri;
    }
    int authorityStart = schemeEnd + 3;
    for (int i = authorityStart; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/') {
        return uri.substring(i);
      }
      if (c == '?') {
        return "/" + uri.substring(i);
      }
    }
    return "/";
  }

  /** {@code :authority}: the authority of an absolute-form URI, else the Host header. */
  public static String authority(HttpRequest r) {
    String uri = r.uri();
    int schemeEnd = absoluteSchemeEnd(uri);
    if (schemeEnd >= 0) {
      int start = schemeEnd + 3;
      int end = start;
      while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
        end++;
      }
      return uri.substring(start, end);
    }
    String host = r.headers().get(HttpHeaderNames.HOST);
    if (host == null && r.method() == HttpMethod.CONNECT) {
      return uri;
    }
    return host;
  }

  /**
   * {@code :scheme}: from Netty's HTTP/2 conversion header or an absolute-form URI, else {@code http} (javoy
   * has no downstream TLS yet).
   */
  public static String scheme(HttpRequest r) {
    String s = r.headers().get(HTTP2_SCHEME);
    if (s != null) {
      return s;
    }
    int schemeEnd = absoluteSchemeEnd(r.uri());
    return schemeEnd >= 0 ? r.uri().substring(0, schemeEnd).toLowerCase(Locale.ROOT) : "http";
  }

  /** The index of "://" when {@code uri} is in absolute form, else -1. */
  private static int absoluteSchemeEnd(String uri) {
    if (uri.isEmpty() || uri.charAt(0) == '/') {
      return -1;
    }
    int i = uri.indexOf("://");
    if (i <= 0) {
      return -1;
    }
    for (int k = 0; k < i; k++) {
      char c = uri.charAt(k);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
        return -1;
      }
    }
    return i;
  }

  private record Regular(AsciiString name) implements Reader {
    @Override
    public String first(HttpRequest request) {
      return request.headers().get(name);
    }

    @Override
    public String joined(HttpRequest request) {
      List<String> all = request.headers().getAll(name);
      if (all.isEmpty()) {
        return null;
      }
      return all.size() == 1 ? all.get(0) : String.join(",", all);
    }
  }
}
