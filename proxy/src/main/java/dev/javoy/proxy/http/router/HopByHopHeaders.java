package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Which of the headers {@link UpstreamRequestHeaders#removeHopByHop} acts on ({@code connection},
 * {@code keep-alive}, {@code proxy-connection}, {@code upgrade}, {@code te}) a message has, found in one pass over
 * the names, so that the removal looks up only those present: most requests have none and most responses only
 * {@code connection}, and one lookup per name (a scan of the list each, comparing same-length names
 * case-insensitively) costs more than the one pass.
 */
final class HopByHopHeaders {
  static final int CONNECTION = 1;
  static final int KEEP_ALIVE = 2;
  static final int PROXY_CONNECTION = 4;
  static final int UPGRADE = 8;
  static final int TE = 16;
  /** Any of the hop-by-hop bits: what a message not scanned is assumed to have. */
  static final int ANY = CONNECTION | KEEP_ALIVE | PROXY_CONNECTION | UPGRADE | TE;
  /** Not hop-by-hop: {@code content-length} is present (for the response's framing decision). */
  static final int CONTENT_LENGTH = 32;
  /** Not hop-by-hop: {@code x-envoy-expected-rq-timeout-ms} is present (a request: set, else added). */
  static final int EXPECTED_RQ_TIMEOUT = 64;

  private HopByHopHeaders() {}

  /** The {@link HeaderNameSummary} bits of the names this looks for. */
  private static final int SUMMARY = HeaderNameSummary.bitOf("te") | HeaderNameSummary.bitOf("upgrade")
      | HeaderNameSummary.bitOf("connection") | HeaderNameSummary.bitOf("keep-alive")
      | HeaderNameSummary.bitOf("content-length") | HeaderNameSummary.bitOf("proxy-connection")
      | HeaderNameSummary.bitOf("x-envoy-expected-rq-timeout-ms");

  /** The bits of the names present: no pass at all when the map's name summary rules them all out. */
  static int scan(FlatHttpHeaders h) {
    if ((h.nameSummary() & SUMMARY) == 0) {
      return 0; // the usual request
    }
    int bits = 0;
    for (int i = 0, n = h.size(); i < n; i++) {
      bits |= bitOf(h.nameAt(i));
    }
    return bits;
  }

  /** The bit of {@code name} (any case), or 0 for any other name. */
  static int bitOf(CharSequence name) {
    // the decoders' interned constants of the two a response usually has, by identity
    if (name == HttpHeaderNames.CONTENT_LENGTH) {
      return CONTENT_LENGTH;
    }
    if (name == HttpHeaderNames.CONNECTION) {
      return CONNECTION;
    }
    switch (name.length()) {
      case 2:
        return is(name, "te") ? TE : 0;
      case 7:
        return is(name, "upgrade") ? UPGRADE : 0;
      case 10:
        return is(name, "connection") ? CONNECTION : is(name, "keep-alive") ? KEEP_ALIVE : 0;
      case 14:
        return is(name, "content-length") ? CONTENT_LENGTH : 0;
      case 16:
        return is(name, "proxy-connection") ? PROXY_CONNECTION : 0;
      case 30:
        return is(name, "x-envoy-expected-rq-timeout-ms") ? EXPECTED_RQ_TIMEOUT : 0;
      default:
        return 0;
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
