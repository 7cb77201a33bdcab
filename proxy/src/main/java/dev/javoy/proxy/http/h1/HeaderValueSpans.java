package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.AsciiString;

/**
 * A {@link FlatHttpHeaders}' values still kept as spans of the decoded head (its {@code source} bytes and its
 * {@code spans} table of offsets and lengths), and the reads that work on a value in place, whatever it is (span,
 * view or other {@link CharSequence}), so that a value only tested or forwarded never becomes an object: its length,
 * a char, its bytes written out, a case-insensitive compare, a comma-separated element search.
 */
final class HeaderValueSpans {
  private static final java.lang.invoke.VarHandle CHARS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(char[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private HeaderValueSpans() {}

  /** The offset in the head of span {@code k}. */
  private static int offset(FlatHttpHeaders h, int k) {
    return (char) CHARS.get(h.source, h.spanBase + (k << 2));
  }

  /** The length of span {@code k}. */
  private static int length(FlatHttpHeaders h, HeaderValueSpan sp) {
    return (char) CHARS.get(h.source, h.spanBase + (sp.index << 2) + 2);
  }

  /** A decoded value {@code b[off, off + len)}: a span when the map's {@code decodingFrom} allows, else a view. */
  static CharSequence spanOrView(FlatHttpHeaders h, byte[] b, int off, int len) {
    if (len == 0) {
      return AsciiString.EMPTY_STRING;
    }
    int k = h.spanCount;
    if (b == h.source && k < h.spanLimit) {
      int t = h.spanBase + (k << 2);
      CHARS.set(b, t, (char) off);
      CHARS.set(b, t + 2, (char) len);
      h.spanCount = (byte) (k + 1);
      return HeaderValueSpan.of(k);
    }
    return new AsciiString(b, off, len, false);
  }

  /** The view of the head bytes a span stands for. */
  static AsciiString view(FlatHttpHeaders h, HeaderValueSpan sp) {
    return new AsciiString(h.source, offset(h, sp.index), length(h, sp), false);
  }

  static int length(FlatHttpHeaders h, int i) {
    CharSequence v = h.rawValue(i);
    return v instanceof HeaderValueSpan sp ? length(h, sp) : v.length();
  }

  static char charAt(FlatHttpHeaders h, int i, int j) {
    CharSequence v = h.rawValue(i);
    if (v instanceof HeaderValueSpan sp) {
      if (j < 0 || j >= length(h, sp)) {
        throw new IndexOutOfBoundsException(j);
      }
      return (char) (h.source[offset(h, sp.index) + j] & 0xff);
    }
    return v.charAt(j);
  }

  /** Writes the value's bytes (chars up to 0xFF as one byte each), a span straight from the head bytes. */
  static void write(FlatHttpHeaders h, int i, ByteBuf out) {
    CharSequence v = h.rawValue(i);
    if (v instanceof HeaderValueSpan sp) {
      out.writeBytes(h.source, offset(h, sp.index), length(h, sp));
    } else if (v instanceof AsciiString s) {
      ByteBufUtil.copy(s, out);
    } else if (v instanceof UuidHeaderValue u) {
      u.write(out);
    } else {
      ByteBufUtil.writeAscii(out, v);
    }
  }

  /** Copies the value's bytes into {@code d} at {@code p} (as {@link #write}); returns the end. */
  static int put(FlatHttpHeaders h, int i, byte[] d, int p) {
    CharSequence v = h.rawValue(i);
    if (v instanceof HeaderValueSpan sp) {
      int n = length(h, sp);
      System.arraycopy(h.source, offset(h, sp.index), d, p, n);
      return p + n;
    }
    return Http1MessageEncoder.put(v, d, p);
  }

  /** {@link #put} when the value ends by {@code limit} (its length read once, in the same dispatch); else -1. */
  static int putWithin(FlatHttpHeaders h, int i, byte[] d, int p, int limit) {
    CharSequence v = h.rawValue(i);
    if (v instanceof HeaderValueSpan sp) {
      int n = length(h, sp);
      if (p + n > limit) {
        return -1;
      }
      System.arraycopy(h.source, offset(h, sp.index), d, p, n);
      return p + n;
    }
    if (p + v.length() > limit) {
      return -1;
    }
    return Http1MessageEncoder.put(v, d, p);
  }

  static boolean contentEqualsIgnoreCase(FlatHttpHeaders h, int i, AsciiString s) {
    int n = length(h, i);
    if (n != s.length()) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      char c = charAt(h, i, j);
      char d = (char) (s.byteAt(j) & 0xff);
      if (c != d && HeaderNames.toLower(c) != HeaderNames.toLower(d)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a header of this name has exactly {@code value} as its value. */
  static boolean anyEquals(FlatHttpHeaders h, CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = h.indexOf(name, 0); i >= 0; i = h.indexOf(name, i + 1)) {
      if (length(h, i) == value.length() && regionMatches(h, i, 0, value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a header of this name has {@code value} as an element of its comma-separated value. */
  static boolean anyHasElement(FlatHttpHeaders h, CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = h.indexOf(name, 0); i >= 0; i = h.indexOf(name, i + 1)) {
      if (hasCommaSeparatedElement(h, i, value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the comma-separated value has {@code value} as an element, trimmed of spaces and tabs. */
  static boolean hasCommaSeparatedElement(FlatHttpHeaders h, int i, CharSequence value, boolean ignoreCase) {
    int n = length(h, i);
    int start = 0;
    while (start <= n) {
      int end = start;
      while (end < n && charAt(h, i, end) != ',') {
        end++;
      }
      int s = start;
      int e = end;
      while (s < e && isOws(charAt(h, i, s))) {
        s++;
      }
      while (e > s && isOws(charAt(h, i, e - 1))) {
        e--;
      }
      if (e - s == value.length() && regionMatches(h, i, s, value, ignoreCase)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean regionMatches(FlatHttpHeaders h, int index, int from, CharSequence v, boolean ignoreCase) {
    for (int i = 0, n = v.length(); i < n; i++) {
      char a = charAt(h, index, from + i);
      char b = v.charAt(i);
      if (a != b && !(ignoreCase && HeaderNames.toLower(a) == HeaderNames.toLower(b))) {
        return false;
      }
    }
    return true;
  }
}
