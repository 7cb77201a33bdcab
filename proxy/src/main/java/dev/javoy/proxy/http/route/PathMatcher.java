package dev.javoy.proxy.http.route;

import com.google.re2j.Pattern;

/** The path part of a route match ({@code prefix}, {@code path}, {@code safe_regex}, {@code path_separated_prefix}). */
public interface PathMatcher {
  /**
   * @param pathWithQuery the request's {@code :path}
   * @param queryStart index of '?' in it, or its length when there is no query
   */
  boolean matches(String pathWithQuery, int queryStart);

  /**
   * {@code connect_matcher}: matches CONNECT requests only, whatever their target; {@link RouteMatch} checks the
   * method. A CONNECT request has no path (its target is an authority), so no other path matcher matches it.
   */
  PathMatcher CONNECT = (p, q) -> false;

  /** {@code prefix}: the start of {@code :path} (query included, as Envoy). */
  static PathMatcher prefix(String prefix, boolean caseSensitive) {
    return (p, q) -> p.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
  }

  /** {@code path}: the whole path once the query string is removed. */
  static PathMatcher exact(String path, boolean caseSensitive) {
    return (p, q) -> q == path.length() && p.regionMatches(!caseSensitive, 0, path, 0, q);
  }

  /** {@code path_separated_prefix}: the prefix followed by the end of the path or a '/'. */
  static PathMatcher separatedPrefix(String prefix, boolean caseSensitive) {
    return (p, q) -> q >= prefix.length() && p.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length())
        && (q == prefix.length() || p.charAt(prefix.length()) == '/');
  }

  /** {@code safe_regex}: RE2 full match of the path without the query string. */
  static PathMatcher regex(Pattern pattern) {
    return (p, q) -> pattern.matches(q == p.length() ? p : p.substring(0, q));
  }
}
