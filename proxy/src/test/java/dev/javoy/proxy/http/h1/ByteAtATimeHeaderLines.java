package dev.javoy.proxy.http.h1;

import io.netty.util.AsciiString;

/**
 * The reference for {@link Http1HeaderLinesSwarTest}: {@link Http1HeaderLines} as it was before its eight-bytes-at-a-time
 * scan, one byte at a time (same rules, same errors, same precedence).
 */
final class ByteAtATimeHeaderLines {
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private ByteAtATimeHeaderLines() {}

  /** Whether {@code b} is an RFC 9110 token character. */
  public static boolean isTchar(byte b) {
    return TCHAR[b & 0xff];
  }

  /**
   * The end of the line starting at {@code from} (the index of its CR), checked: CRLF-terminated, no other CR.
   * Returns -1 when the line is malformed. {@code to} is the end of the section (after its last LF).
   */
  public static int lineEnd(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\r') {
        return i + 1 < to && b[i + 1] == '\n' ? i : -1;
      }
      if (c == '\n') {
        return -1; // bare LF
      }
    }
    return -1;
  }

  /**
   * Adds the header lines of {@code b[from, to)} (which ends with the blank line) to {@code into}. Returns null, or
   * what is wrong (the message is then rejected; {@code into} may hold some of the headers).
   */
  public static String parse(byte[] b, int from, int to, FlatHttpHeaders into, boolean lowerCase) {
    int pos = from;
    while (true) {
      int end = lineEnd(b, pos, to);
      if (end < 0) {
        return "invalid line ending";
      }
      if (end == pos) {
        return null; // the blank line
      }
      String error = parseLine(b, pos, end, into, lowerCase);
      if (error != null) {
        return error;
      }
      pos = end + 2;
    }
  }

  private static String parseLine(byte[] b, int from, int end, FlatHttpHeaders into, boolean lowerCase) {
    byte first = b[from];
    if (first == ' ' || first == '\t') {
      return "obs-fold";
    }
    int colon = from;
    while (colon < end && TCHAR[b[colon] & 0xff]) {
      colon++;
    }
    if (colon == from || colon == end || b[colon] != ':') {
      return "invalid header name";
    }
    int vs = colon + 1;
    int ve = end;
    while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
      vs++;
    }
    while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
      ve--;
    }
    for (int i = vs; i < ve; i++) {
      int c = b[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return "invalid header value";
      }
    }
    int nlen = colon - from;
    AsciiString known = HeaderNames.wellKnown(b, from, nlen);
    CharSequence name;
    if (known != null && (lowerCase || HeaderNames.sameCase(known, b, from))) {
      name = known;
    } else {
      if (lowerCase) {
        for (int i = from; i < colon; i++) {
          byte c = b[i];
          if (c >= 'A' && c <= 'Z') {
            b[i] = (byte) (c + 32);
          }
        }
      }
      name = new AsciiString(b, from, nlen, false);
    }
    // the name's summary bit from its bytes (HeaderNameSummary.bitOf without a call through CharSequence per char)
    int bit = 1 << ((nlen * 3 + ((b[colon - 1] | 0x20) & 0xff) * 2 + ((b[from + (nlen >> 1)] | 0x20) & 0xff) * 3) & 31);
    into.addDecoded(name, bit, b, vs, ve - vs);
    return null;
  }
}
