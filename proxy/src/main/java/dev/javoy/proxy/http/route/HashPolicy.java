package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.upstream.Addresses;
import dev.javoy.proxy.upstream.lb.LbContext;
import dev.javoy.proxy.upstream.lb.XxHash64;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A route's {@code hash_policy}: the request's hash key for ring hash and Maglev clusters, as Envoy's
 * {@code HashPolicyImpl}. Each policy hashes (xxHash64) a header (its values sorted and concatenated, after an
 * optional regex rewrite), a cookie (generated with {@code Set-Cookie} when absent and a {@code ttl} is set),
 * the downstream source IP, or a query parameter; hashes combine as {@code rotl(previous, 1) ^ new}; a
 * {@code terminal} policy that produced a hash ends the list. Computed once per request by the router.
 */
public final class HashPolicy {
  private enum Kind { HEADER, COOKIE, SOURCE_IP, QUERY_PARAMETER }

  private record Part(Kind kind, String name, RegexRewrite rewrite, long ttlSeconds, boolean hasTtl, String path,
      List<RouteAction.HashPolicy.CookieAttribute> attributes, boolean terminal) {}

  private final Part[] parts;

  private HashPolicy(Part[] parts) {
    this.parts = parts;
  }

  /** The policies of a route action, or null when it has none. */
  static HashPolicy of(List<RouteAction.HashPolicy> policies, String path) throws ConfigException {
    if (policies.isEmpty()) {
      return null;
    }
    Part[] parts = new Part[policies.size()];
    for (int i = 0; i < parts.length; i++) {
      RouteAction.HashPolicy hp = policies.get(i);
      String p = FieldSupport.index(path, "hash_policy", i);
      FieldSupport.check(hp, p, Set.of("header", "cookie", "connection_properties", "query_parameter", "terminal"));
      parts[i] = switch (hp.getPolicySpecifierCase()) {
        case HEADER -> {
          var h = hp.getHeader();
          FieldSupport.check(h, p + ".header", Set.of("header_name", "regex_rewrite"));
          if (h.getHeaderName().isEmpty()) {
            throw new ConfigException(p + ".header.header_name", "must not be empty");
          }
          RegexRewrite rw = h.hasRegexRewrite() ? RegexRewrite.of(h.getRegexRewrite(), p + ".header.regex_rewrite")
              : null;
          yield new Part(Kind.HEADER, headerName(h.getHeaderName()), rw, 0, false, null, null, hp.getTerminal());
        }
        case COOKIE -> {
          var c = hp.getCookie();
          FieldSupport.check(c, p + ".cookie", Set.of("name", "ttl", "path", "attributes"));
          if (c.getName().isEmpty()) {
            throw new ConfigException(p + ".cookie.name", "must not be empty");
          }
          long ttl = c.hasTtl() ? Durations.toMillis(c.getTtl()) / 1000 : 0;
          yield new Part(Kind.COOKIE, c.getName(), null, ttl, c.hasTtl(), c.getPath(), c.getAttributesList(),
              hp.getTerminal());
        }
        case CONNECTION_PROPERTIES -> {
          FieldSupport.check(hp.getConnectionProperties(), p + ".connection_properties", Set.of("source_ip"));
          if (!hp.getConnectionProperties().getSourceIp()) {
            throw new ConfigException(p + ".connection_properties.source_ip", "connection_properties hashes "
                + "nothing unless source_ip is true");
          }
          yield new Part(Kind.SOURCE_IP, null, null, 0, false, null, null, hp.getTerminal());
        }
        case QUERY_PARAMETER -> {
          FieldSupport.check(hp.getQueryParameter(), p + ".query_parameter", Set.of("name"));
          if (hp.getQueryParameter().getName().isEmpty()) {
            throw new ConfigException(p + ".query_parameter.name", "must not be empty");
          }
          yield new Part(Kind.QUERY_PARAMETER, hp.getQueryParameter().getName(), null, 0, false, null, null,
              hp.getTerminal());
        }
        case FILTER_STATE -> throw new ConfigException(p + ".filter_state",
            "field not supported by javoy yet (in envoy.config.route.v3.RouteAction.HashPolicy)");
        default -> throw new ConfigException(p, "a hash policy needs header, cookie, connection_properties or "
            + "query_parameter");
      };
    }
    return new HashPolicy(parts);
  }

  private static String headerName(String name) {
    return switch (name) {
      case ":authority" -> "host";
      default -> name;
    };
  }

  /** The hash of a request: an {@link LbContext} with its key, and the cookies to set on the response. */
  public static final class RequestHash implements LbContext {
    private long hash;
    private boolean present;
    private List<String> setCookies;

    @Override
    public boolean hasHashKey() {
      return present;
    }

    @Override
    public long hashKey() {
      return hash;
    }

    /** {@code Set-Cookie} values for the response (cookies the policy generated), empty when none. */
    public List<String> setCookies() {
      return setCookies == null ? Collections.emptyList() : setCookies;
    }

    void add(long h) {
      hash = present ? (Long.rotateLeft(hash, 1) ^ h) : h;
      present = true;
    }
  }

  /**
   * Computes the request's hash.
   *
   * @param remote the downstream remote address ({@code source_ip}; the address after XFF handling)
   * @param connectionRemote the connection's peer and {@code connectionLocal} its local address (a generated
   *     cookie's value is the hash of both, so streams of one connection get the same cookie)
   */
  public RequestHash compute(HttpRequest req, SocketAddress remote, SocketAddress connectionRemote,
      SocketAddress connectionLocal) {
    RequestHash r = new RequestHash();
    for (Part part : parts) {
      boolean produced = switch (part.kind) {
        case HEADER -> header(part, req, r);
        case COOKIE -> cookie(part, req, connectionRemote, connectionLocal, r);
        case SOURCE_IP -> {
          if (remote == null) {
            yield false;
          }
          r.add(XxHash64.hash(Addresses.hostOnly(remote)));
          yield true;
        }
        case QUERY_PARAMETER -> {
          String v = queryParameter(req.uri(), part.name);
          if (v == null) {
            yield false;
          }
          r.add(XxHash64.hash(v));
          yield true;
        }
      };
      if (part.terminal && produced) {
        break;
      }
    }
    return r;
  }

  private static boolean header(Part part, HttpRequest req, RequestHash r) {
    List<String> values;
    switch (part.name) {
      case ":path" -> values = List.of(req.uri());
      case ":method" -> values = List.of(req.method().name());
      default -> values = req.headers().getAll(part.name);
    }
    if (values.isEmpty()) {
      return false;
    }
    if (values.size() == 1) {
      String v = part.rewrite != null ? part.rewrite.replaceAll(values.get(0)) : values.get(0);
      r.add(XxHash64.hash(v));
      return true;
    }
    List<String> sorted = new ArrayList<>(values.size());
    for (String v : values) {
      sorted.add(part.rewrite != null ? part.rewrite.replaceAll(v) : v);
    }
    Collections.sort(sorted); // the same hash whatever order the values came in
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String v : sorted) {
      all.writeBytes(v.getBytes(StandardCharsets.UTF_8));
    }
    r.add(XxHash64.hash(all.toByteArray(), 0));
    return true;
  }

  private static boolean cookie(Part part, HttpRequest req, SocketAddress connectionRemote,
      SocketAddress connectionLocal, RequestHash r) {
    String value = cookieValue(req, part.name);
    if ((value == null || value.isEmpty()) && part.hasTtl) {
      value = XxHash64.toHex(XxHash64.hash(Addresses.toString(connectionRemote)
          + Addresses.toString(connectionLocal)));
      if (r.setCookies == null) {
        r.setCookies = new ArrayList<>(1);
      }
      r.setCookies.add(setCookie(part, value));
    }
    if (value == null || value.isEmpty()) {
      return false;
    }
    r.add(XxHash64.hash(value));
    return true;
  }

  /** Envoy's {@code makeSetCookieValue}: {@code name="value"; Max-Age=N; Path=p; attributes; HttpOnly}. */
  static String setCookie(Part part, String value) {
    StringBuilder b = new StringBuilder(part.name).append("=\"").append(value).append('"');
    if (part.ttlSeconds != 0) {
      b.append("; Max-Age=").append(part.ttlSeconds);
    }
    if (!part.path.isEmpty()) {
      b.append("; Path=").append(part.path);
    }
    for (var a : part.attributes) {
      b.append("; ").append(a.getName());
      if (!a.getValue().isEmpty()) {
        b.append('=').append(a.getValue());
      }
    }
    return b.append("; HttpOnly").toString();
  }

  /** The value of cookie {@code name} in the request's {@code Cookie} headers (quotes removed), or null. */
  static String cookieValue(HttpRequest req, String name) {
    for (String header : req.headers().getAll(HttpHeaderNames.COOKIE)) {
      int i = 0;
      int n = header.length();
      while (i < n) {
        int end = header.indexOf(';', i);
        if (end < 0) {
          end = n;
        }
        int s = i;
        while (s < end && header.charAt(s) == ' ') {
          s++;
        }
        int eq = header.indexOf('=', s);
        if (eq > 0 && eq < end && header.regionMatches(s, name, 0, name.length()) && eq - s == name.length()) {
          String v = header.substring(eq + 1, end).trim();
          if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1);
          }
          return v;
        }
        i = end + 1;
      }
    }
    return null;
  }

  /** The first value of query parameter {@code name} in {@code uri} (not decoded, as Envoy), or null. */
  static String queryParameter(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    int end = uri.indexOf('#', q);
    if (end < 0) {
      end = uri.length();
    }
    int i = q + 1;
    while (i < end) {
      int amp = uri.indexOf('&', i);
      if (amp < 0 || amp > end) {
        amp = end;
      }
      int eq = uri.indexOf('=', i);
      int nameEnd = eq >= 0 && eq < amp ? eq : amp;
      if (nameEnd - i == name.length() && uri.regionMatches(i, name, 0, name.length())) {
        return nameEnd == amp ? "" : uri.substring(eq + 1, amp);
      }
      i = amp + 1;
    }
    return null;
  }
}
