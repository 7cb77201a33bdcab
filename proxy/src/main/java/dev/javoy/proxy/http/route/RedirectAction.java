package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.format.RequestHeaders;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;
import java.util.Set;

/**
 * {@code redirect}: answers with {@code response_code} (301 by default) and a {@code Location} built as Envoy
 * builds it: the scheme ({@code scheme_redirect}, {@code https_redirect}, else the request's), the host
 * ({@code host_redirect}, else the request's Host without a port made redundant by a scheme change or replaced
 * by {@code port_redirect}), {@code :port_redirect}, and the path ({@code path_redirect} — keeping the request's
 * query unless it has its own — or the request's path after {@code prefix_rewrite}/{@code regex_rewrite}), with
 * the query removed for {@code strip_query} unless {@code path_redirect} has one.
 *
 * @param scheme the new scheme, or null to keep the request's
 * @param host the new host, or null
 * @param port {@code :port}, or "" to keep none
 * @param pathRedirect the new path, or null
 * @param pathRewrite the path rewrite applied to the request path, or null
 */
public record RedirectAction(String scheme, String host, String port, String pathRedirect, PathRewrite pathRewrite,
    boolean stripQuery, int status) implements RouteAction {
  private static final String X_FORWARDED_PROTO = "x-forwarded-proto";
  private static final Set<String> FIELDS = Set.of("https_redirect", "scheme_redirect", "host_redirect",
      "port_redirect", "path_redirect", "prefix_rewrite", "regex_rewrite", "response_code", "strip_query");

  /**
   * @param matchedLength for {@code prefix_rewrite}: what the route matched (see {@link PathRewrite#prefix})
   */
  static RedirectAction of(io.envoyproxy.envoy.config.route.v3.RedirectAction r, String path, int matchedLength)
      throws ConfigException {
    FieldSupport.check(r, path, FIELDS);
    String scheme = switch (r.getSchemeRewriteSpecifierCase()) {
      case HTTPS_REDIRECT -> r.getHttpsRedirect() ? "https" : null;
      case SCHEME_REDIRECT -> r.getSchemeRedirect().isEmpty() ? null : r.getSchemeRedirect();
      default -> null;
    };
    PathRewrite rewrite = switch (r.getPathRewriteSpecifierCase()) {
      case PREFIX_REWRITE -> PathRewrite.prefix(r.getPrefixRewrite(), matchedLength);
      case REGEX_REWRITE -> PathRewrite.regex(RegexRewrite.of(r.getRegexRewrite(), path + ".regex_rewrite"));
      default -> null;
    };
    int status = switch (r.getResponseCode()) {
      case MOVED_PERMANENTLY -> 301;
      case FOUND -> 302;
      case SEE_OTHER -> 303;
      case TEMPORARY_REDIRECT -> 307;
      case PERMANENT_REDIRECT -> 308;
      default -> throw new ConfigException(path + ".response_code", "unknown redirect response code");
    };
    if (r.getPortRedirect() > 65535) {
      throw new ConfigException(path + ".port_redirect", "port must be at most 65535");
    }
    return new RedirectAction(scheme, r.getHostRedirect().isEmpty() ? null : r.getHostRedirect(),
        r.getPortRedirect() == 0 ? "" : ":" + r.getPortRedirect(),
        r.getPathRedirect().isEmpty() ? null : r.getPathRedirect(), rewrite, r.getStripQuery(), status);
  }

  /** The {@code Location} for {@code request}, whose {@code :path} is {@code path} (already rewritten). */
  public String location(HttpRequest request, String path) {
    return newUri(this, request, path);
  }

  /**
   * Envoy's {@code newUri}: the URL a redirect (or a 201/3xx {@code direct_response}, with {@code config} null)
   * points to.
   */
  public static String newUri(RedirectAction config, HttpRequest request, String path) {
    String scheme = config != null && config.scheme != null ? config.scheme : requestScheme(request);
    String port = config == null ? "" : config.port;
    String host = config != null && config.host != null ? config.host : requestHost(request, scheme, port);
    String finalPath;
    boolean redirectHasQuery = false;
    if (config != null && config.pathRedirect != null) {
      redirectHasQuery = config.pathRedirect.indexOf('?') >= 0;
      int q = path.indexOf('?');
      finalPath = redirectHasQuery || q < 0 ? config.pathRedirect : config.pathRedirect + path.substring(q);
    } else {
      finalPath = path;
    }
    if (!finalPath.startsWith("/")) {
      finalPath = "/" + finalPath;
    }
    if (config != null && config.stripQuery && !redirectHasQuery) {
      int q = finalPath.indexOf('?');
      if (q >= 0) {
        finalPath = finalPath.substring(0, q);
      }
    }
    return scheme + "://" + host + port + finalPath;
  }

  /** The request's scheme: HTTP/2's {@code :scheme}, an absolute URI's, else a valid x-forwarded-proto. */
  private static String requestScheme(HttpRequest request) {
    String scheme = RequestHeaders.scheme(request);
    if (request.uri().startsWith("/") && request.headers().get("x-http2-scheme") == null) {
      String xfp = request.headers().get(X_FORWARDED_PROTO);
      if ("https".equalsIgnoreCase(xfp) || "http".equalsIgnoreCase(xfp)) {
        return xfp.toLowerCase(Locale.ROOT);
      }
    }
    return scheme;
  }

  /**
   * The request's host, without its port when a new port is given, or when the scheme changes away from the
   * x-forwarded-proto whose default port (80 or 443) it names.
   */
  private static String requestHost(HttpRequest request, String newScheme, String newPort) {
    String host = RequestHeaders.authority(request);
    if (host == null || host.isEmpty()) {
      return "";
    }
    int portStart;
    if (host.charAt(0) == '[') {
      int i = host.lastIndexOf("]:");
      portStart = i < 0 ? -1 : i + 1;
    } else {
      portStart = host.lastIndexOf(':');
    }
    if (portStart < 0) {
      return host;
    }
    String requestPort = host.substring(portStart);
    String proto = request.headers().get(X_FORWARDED_PROTO);
    boolean remove = !newPort.isEmpty();
    if (!newScheme.equals(proto)) {
      remove |= "https".equals(proto) && requestPort.equals(":443");
      remove |= "http".equals(proto) && requestPort.equals(":80");
    }
    return remove ? host.substring(0, portStart) : host;
  }
}
