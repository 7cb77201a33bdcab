package dev.javoy.proxy.http.h1;

import io.netty.util.AsciiString;

/**
 * Parses HTTP/1.1 header lines (RFC 9112 section 5) from a message's head bytes into a {@link FlatHttpHeaders}, as
 * strictly as Envoy: every line ends with CRLF (a bare CR or LF is an error), no obs-fold (a line starting with SP
 * or HTAB), a name is a non-empty token with no whitespace before the colon, a value has no control character other
 * than HTAB (obs-text is kept). Names become the interned lower-case constants when well known, else views over
 * the head bytes (lower-cased in place unless case is preserved); values are {@link AsciiString} views over the
 * same bytes: one array per head, no copy per header.
 */
public final class Http1HeaderLines {
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

  private Http1HeaderLines() {}

  /** Whether {@code b} is an RFC 9110 token character. */
  public static boolean isTchar(byte b) {
    return TCHAR[b & 0xff];
  }

  /**
   * The end of the line starting at {@code from} (the index of its CR), checked: CRLF-terminated, no other CR.
   * Returns -1 when the line is malformed. {@code to} is the end of the section (after its last LF).
   */
  public static int lineEnd(byte[] b, int from, int to) {
    int i = LineBytes.firstCrOrLf(b, from, to);
    if (i >= to || b[i] == '\n') {
      return -1; // no line end, or a bare LF
    }
    return i + 1 < to && b[i + 1] == '\n' ? i : -1;
  }

  /**
   * Adds the header lines of {@code b[from, to)} (which ends with the blank line) to {@code into}. Returns null, or
   * what is wrong (the message is then rejected; {@code into} may hold some of the headers).
   * <p>
   * A line that starts with a token character takes the fast way ({@link #parseUsualLine}: the value and its line end
   * are found eight bytes at a time); a line it cannot finish as well-formed (and the blank line, obs-fold, any
   * other start) is parsed again by the byte-at-a-time rules ({@link #parseLine}), which decide its error, so the
   * errors and their precedence are the same whichever way a line goes.
   */
  public static String parse(byte[] b, int from, int to, FlatHttpHeaders into, boolean lowerCase) {
    int pos = from;
    while (true) {
      if (pos < to && TCHAR[b[pos] & 0xff]) {
        int next = parseUsualLine(b, pos, to, into, lowerCase);
        if (next >= 0) {
          pos = next;
          continue;
        }
      }
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

  /**
   * A well-formed header line from {@code from} (which holds a token character): adds it and returns where the next
   * line starts, or -1, having added nothing, when the line is not well-formed (its error is left to
   * {@link #parseLine}).
   */
  private static int parseUsualLine(byte[] b, int from, int to, FlatHttpHeaders into, boolean lowerCase) {
    int colon = from;
    while (colon < to && TCHAR[b[colon] & 0xff]) {
      colon++;
    }
    if (colon >= to || b[colon] != ':') {
      return -1;
    }
    int vs = colon + 1;
    while (vs < to && (b[vs] == ' ' || b[vs] == '\t')) {
      vs++;
    }
    // the first control byte after the leading whitespace: HTAB is part of the value, CRLF ends it, else an error
    int p = LineBytes.firstControl(b, vs, to);
    while (p < to && b[p] == '\t') {
      p = LineBytes.firstControl(b, p + 1, to);
    }
    if (p + 1 >= to || b[p] != '\r' || b[p + 1] != '\n') {
      return -1;
    }
    int ve = p;
    while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
      ve--;
    }
    addLine(b, from, colon, vs, ve, into, lowerCase);
    return p + 2;
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
    addLine(b, from, colon, vs, ve, into, lowerCase);
    return null;
  }

  /** Adds the checked line whose name is {@code b[from, colon)} (token characters) and value {@code b[vs, ve)}. */
  private static void addLine(byte[] b, int from, int colon, int vs, int ve, FlatHttpHeaders into,
      boolean lowerCase) {
    int nlen = colon - from;
    AsciiString known = HeaderNames.wellKnown(b, from, nlen, HeaderNames.bytesHash(b, from, nlen));
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
  }
}
