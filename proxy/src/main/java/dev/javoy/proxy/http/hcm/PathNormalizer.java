package dev.javoy.proxy.http.hcm;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction;

/**
 * The connection manager's path handling, applied once before routing (Envoy's
 * {@code ConnectionManagerUtility::maybeNormalizePath}): {@code path_with_escaped_slashes_action} first (unescape
 * {@code %2F}/{@code %5C}, or reject, or redirect), then {@code normalize_path} (RFC 3986 dot-segment removal,
 * percent-decoding of unreserved characters, {@code \} as {@code /}; a path it cannot make valid is rejected),
 * then {@code merge_slashes}. Only the path is touched, never the query. Immutable; one per connection manager.
 */
public final class PathNormalizer {
  /** What the connection manager does with the request. */
  public enum Action { CONTINUE, REJECT, REDIRECT }

  /** The outcome: the action and the (possibly new) request target. */
  public record Result(Action action, String uri) {}

  private final boolean normalize;
  private final boolean mergeSlashes;
  private final PathWithEscapedSlashesAction escapedSlashes;

  public PathNormalizer(boolean normalize, boolean mergeSlashes, PathWithEscapedSlashesAction escapedSlashes) {
    this.normalize = normalize;
    this.mergeSlashes = mergeSlashes;
    this.escapedSlashes = escapedSlashes == PathWithEscapedSlashesAction.IMPLEMENTATION_SPECIFIC_DEFAULT
        ? PathWithEscapedSlashesAction.KEEP_UNCHANGED : escapedSlashes;
  }

  /** Whether this normalizer ever changes anything (else the connection manager skips it). */
  public boolean enabled() {
    return normalize || mergeSlashes || escapedSlashes != PathWithEscapedSlashesAction.KEEP_UNCHANGED;
  }

  /**
   * Applies the configured steps to a request target in origin form ({@code /path?query}); targets that do not
   * start with {@code /} (authority form, {@code *}) are left alone.
   */
  public Result apply(String uri) {
    if (uri.isEmpty() || uri.charAt(0) != '/') {
      return new Result(Action.CONTINUE, uri);
    }
    Action action = Action.CONTINUE;
    String out = uri;
    if (escapedSlashes != PathWithEscapedSlashesAction.KEEP_UNCHANGED) {
      String unescaped = unescapeSlashes(out);
      if (unescaped != out) {
        if (escapedSlashes == PathWithEscapedSlashesAction.REJECT_REQUEST) {
          return new Result(Action.REJECT, uri);
        }
        if (escapedSlashes == PathWithEscapedSlashesAction.UNESCAPE_AND_REDIRECT) {
          action = Action.REDIRECT;
        }
        out = unescaped;
      }
    }
    if (normalize) {
      out = canonicalPath(out);
      if (out == null) {
        return new Result(Action.REJECT, uri);
      }
    }
    if (mergeSlashes) {
      out = mergeSlashes(out);
    }
    return new Result(action, out);
  }

  private static int pathEnd(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri.length() : q;
  }

  /** {@code %2F}/{@code %2f} → {@code /}, {@code %5C}/{@code %5c} → {@code \} in the path; the same instance if none. */
  static String unescapeSlashes(String uri) {
    int end = pathEnd(uri);
    int first = -1;
    for (int i = uri.indexOf('%'); i >= 0 && i < end; i = uri.indexOf('%', i + 1)) {
      if (escapedSlash(uri, i, end) != 0) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return uri;
    }
    StringBuilder b = new StringBuilder(uri.length());
    b.append(uri, 0, first);
    int i = first;
    while (i < end) {
      char c = uri.charAt(i);
      char s = c == '%' ? escapedSlash(uri, i, end) : 0;
      if (s != 0) {
        b.append(s);
        i += 3;
      } else {
        b.append(c);
        i++;
      }
    }
    return b.append(uri, end, uri.length()).toString();
  }

  private static char escapedSlash(String s, int i, int end) {
    if (i + 2 >= end) {
      return 0;
    }
    char h = s.charAt(i + 1);
    char l = s.charAt(i + 2);
    if (h == '2' && (l == 'F' || l == 'f')) {
      return '/';
    }
    if (h == '5' && (l == 'C' || l == 'c')) {
      return '\\';
    }
    return 0;
  }

  /** Collapses runs of {@code /} in the path to one; the same instance when there are none. */
  static String mergeSlashes(String uri) {
    int end = pathEnd(uri);
    int dup = uri.indexOf("//");
    if (dup < 0 || dup >= end) {
      return uri;
    }
    StringBuilder b = new StringBuilder(uri.length());
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c == '/' && b.length() > 0 && b.charAt(b.length() - 1) == '/') {
        continue;
      }
      b.append(c);
    }
    return b.append(uri, end, uri.length()).toString();
  }

  /**
   * Envoy's {@code PathUtil::canonicalPath} on the path part: percent-encoded unreserved characters are decoded,
   * other escapes kept as they are, {@code \} becomes {@code /}, characters a path cannot carry literally are
   * percent-encoded, and {@code .}/{@code ..} segments (also spelled {@code %2e}) are removed as RFC 3986 section
   * 5.2.4 says ({@code ..} never climbs above the root). Null when the path has a control or non-ASCII
   * character: the request is rejected. The same instance when nothing changes.
   */
  static String canonicalPath(String uri) {
    int end = pathEnd(uri);
    boolean clean = true;
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return null;
      }
      if (c == '%' || c == '\\' || escapeInPath(c)
          || (c == '.' && uri.charAt(i - 1) == '/' && dotSegmentAt(uri, i, end))) {
        clean = false;
      }
    }
    if (clean) {
      return uri;
    }
    // 1. decode unreserved escapes, unify separators, escape what must be escaped
    StringBuilder d = new StringBuilder(end + 8);
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c == '%' && hex(uri, i + 1, end)) {
        int v = Character.digit(uri.charAt(i + 1), 16) * 16 + Character.digit(uri.charAt(i + 2), 16);
        if (unreserved(v)) {
          d.append((char) v);
        } else {
          d.append(uri, i, i + 3);
        }
        i += 2;
      } else if (c == '\\') {
        d.append('/');
      } else if (escapeInPath(c)) {
        d.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        d.append(c);
      }
    }
    // 2. remove dot segments
    StringBuilder out = new StringBuilder(d.length());
    int n = d.length();
    int i = 0;
    while (i < n) {
      // d.charAt(i) is '/' here: the path starts with '/' and each step stops at the next '/'
      int next = i + 1;
      while (next < n && d.charAt(next) != '/') {
        next++;
      }
      int segLen = next - i - 1;
      boolean dot = segLen == 1 && d.charAt(i + 1) == '.';
      boolean dotDot = segLen == 2 && d.charAt(i + 1) == '.' && d.charAt(i + 2) == '.';
      if (dot || dotDot) {
        if (dotDot) {
          int cut = out.lastIndexOf("/");
          if (cut >= 0) {
            out.setLength(cut);
          }
        }
        if (next >= n) {
          out.append('/'); // "/a/b/.." → "/a/", "/a/." → "/a/"
        }
      } else {
        out.append(d, i, next);
      }
      i = next;
    }
    if (out.length() == 0) {
      out.append('/');
    }
    return out.append(uri, end, uri.length()).toString();
  }

  /** A {@code .} or {@code ..} segment starts at {@code i} (just after a {@code /}). */
  private static boolean dotSegmentAt(String s, int i, int end) {
    int j = i + 1;
    if (j < end && s.charAt(j) == '.') {
      j++;
    }
    return j == end || s.charAt(j) == '/' || s.charAt(j) == '\\';
  }

  private static boolean hex(String s, int i, int end) {
    return i + 1 < end && Character.digit(s.charAt(i), 16) >= 0 && Character.digit(s.charAt(i + 1), 16) >= 0;
  }

  private static boolean unreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** Printable characters the URL canonicalizer percent-encodes in a path. */
  private static boolean escapeInPath(char c) {
    return c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}';
  }
}
