package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.format.RequestHeaders;
import dev.javoy.proxy.upstream.Host;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A route's {@code host_rewrite_specifier}: the new Host/:authority for the upstream request, computed before
 * the path rewrite (as Envoy).
 */
public interface HostRewrite {
  /**
   * @param path the request's path (origin form), before any path rewrite
   * @param queryStart index of the first '?' in it, or its length
   * @param upstream the chosen upstream host
   * @return the new host, or null to leave the header alone
   */
  String newHost(HttpRequest request, String path, int queryStart, Host upstream);

  /** {@code host_rewrite_literal}. */
  static HostRewrite literal(String host) {
    return (r, p, q, h) -> host;
  }

  /** {@code auto_host_rewrite}: the upstream host's DNS name, when it has one. */
  static HostRewrite auto() {
    return (r, p, q, h) -> h == null || h.hostname().isEmpty() ? null : h.hostname();
  }

  /** {@code host_rewrite_header}: the first value of the header, unless absent or empty. */
  static HostRewrite fromHeader(String header) {
    RequestHeaders.Reader reader = RequestHeaders.reader(header);
    return (r, p, q, h) -> {
      String v = reader.first(r);
      return v == null || v.isEmpty() ? null : v;
    };
  }

  /** {@code host_rewrite_path_regex}: the regex substitution applied to the path without its query string. */
  static HostRewrite pathRegex(RegexRewrite rewrite) {
    return (r, p, q, h) -> rewrite.replaceAll(q == p.length() ? p : p.substring(0, q));
  }
}
