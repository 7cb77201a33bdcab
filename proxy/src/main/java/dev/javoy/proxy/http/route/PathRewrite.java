package dev.javoy.proxy.http.route;

/**
 * A route's path rewrite, applied to the request's {@code :path} (origin form): {@code prefix_rewrite} or
 * {@code regex_rewrite} (of a route action, or of a redirect).
 */
public interface PathRewrite {
  /**
   * @param queryStart index of the first '?' in {@code path}, or its length
   * @return the rewritten path, or null to keep it
   */
  String rewrite(String path, int queryStart);

  /**
   * {@code prefix_rewrite}: replaces what the route matched — its {@code prefix} (or
   * {@code path_separated_prefix}), its {@code path}, or, for {@code safe_regex}, the whole path without the
   * query string.
   *
   * @param matchedLength the length of the matched prefix or path, or -1 for "up to the query string"
   */
  static PathRewrite prefix(String replacement, int matchedLength) {
    return (path, queryStart) -> {
      int end = matchedLength < 0 ? queryStart : Math.min(matchedLength, path.length());
      return replacement + path.substring(end);
    };
  }

  /** {@code regex_rewrite}: the path without the query string is rewritten, the query string kept. */
  static PathRewrite regex(RegexRewrite rewrite) {
    return (path, queryStart) -> {
      String justPath = queryStart == path.length() ? path : path.substring(0, queryStart);
      String rewritten = rewrite.replaceAll(justPath);
      return queryStart == path.length() ? rewritten : rewritten + path.substring(queryStart);
    };
  }
}
