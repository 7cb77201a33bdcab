package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;

/**
 * Whether a message has any of the headers {@link UpstreamRequestHeaders#removeHopByHop} acts on
 * ({@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code upgrade}, {@code te}), in one pass over
 * the names: most requests and responses have none, and one lookup per name (five scans of the list, each
 * comparing names case-insensitively) cost more than the scan.
 */
final class HopByHopHeaders {
  private HopByHopHeaders() {}

  static boolean anyIn(FlatHttpHeaders h) {
    for (int i = 0, n = h.size(); i < n; i++) {
      if (isHopByHop(h.nameAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** {@link #scan}: a hop-by-hop header is present. */
  static final int HOP_BY_HOP = 1;
  /** {@link #scan}: {@code content-length} is present. */
  static final int CONTENT_LENGTH = 2;

  /** One pass for a response: {@link #HOP_BY_HOP} and {@link #CONTENT_LENGTH} bits. */
  static int scan(FlatHttpHeaders h) {
    int bits = 0;
    for (int i = 0, n = h.size(); i < n; i++) {
      CharSequence name = h.nameAt(i);
      if (isHopByHop(name)) {
        bits |= HOP_BY_HOP;
      } else if (name.length() == 14 && is(name, "content-length")) {
        bits |= CONTENT_LENGTH;
      }
    }
    return bits;
  }

  static boolean isHopByHop(CharSequence name) {
    switch (name.length()) {
      case 2:
        return is(name, "te");
      case 7:
        return is(name, "upgrade");
      case 10:
        return is(name, "connection") || is(name, "keep-alive");
      case 16:
        return is(name, "proxy-connection");
      default:
        return false;
    }
  }

  /** ASCII case-insensitive equality with a lower-case name of the same length. */
  private static boolean is(CharSequence name, String lower) {
    for (int i = 0, n = lower.length(); i < n; i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
