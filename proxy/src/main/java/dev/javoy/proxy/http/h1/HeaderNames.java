package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Lower-cases header names as an HTTP/1.1 decoder stores them (Envoy's codecs keep names in lower case unless
 * a {@code preserve_case} formatter records the original). The well-known names (Netty's {@code HttpHeaderNames} and
 * Envoy's own, {@link EnvoyHeaderNames}) map to their lower-case constants without allocating; other names with
 * upper-case letters are copied once.
 */
public final class HeaderNames {
  private static final AsciiString[] TABLE;
  private static final int BYTES_SIZE = 512; // a quarter full: a name that is none of them is told at the first or second slot
  /** The same constants, found from raw bytes in any case (a decoder's view of a name, before any object exists). */
  private static final AsciiString[] BY_BYTES;
  /** Each {@link #BY_BYTES} name's lower-case bytes, exactly (compared without going through the AsciiString). */
  private static final byte[][] LOWER_BYTES;
  private static final int MASK;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long CASE_BITS = 0x2020202020202020L;

  static {
    int size = 512;
    AsciiString[] t = new AsciiString[size];
    java.util.List<AsciiString> names = new java.util.ArrayList<>();
    for (Field f : HttpHeaderNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == AsciiString.class) {
        try {
          names.add((AsciiString) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    names.addAll(java.util.Arrays.asList(EnvoyHeaderNames.ALL)); // Envoy's own names are interned the same way
    for (AsciiString name : names) {
      int i = AsciiString.hashCode(name) & (size - 1);
      while (t[i] != null) {
        i = (i + 1) & (size - 1);
      }
      t[i] = name;
    }
    TABLE = t;
    MASK = size - 1;
    AsciiString[] b = new AsciiString[BYTES_SIZE];
    byte[][] lb = new byte[BYTES_SIZE][];
    for (AsciiString name : t) {
      if (name != null) {
        byte[] a = name.toByteArray();
        int i = bytesHash(a, 0, a.length) & (BYTES_SIZE - 1);
        while (b[i] != null) {
          i = (i + 1) & (BYTES_SIZE - 1);
        }
        b[i] = name;
        lb[i] = a;
      }
    }
    BY_BYTES = b;
    LOWER_BYTES = lb;
  }

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  /**
   * The hash's start (plus the length): of the first 5,000 starts, one with which every usual request and response
   * name has a slot of its own and the 111 names collide once in all.
   */
  private static final long SEED = 1919;

  /**
   * A name's case-insensitive hash, eight bytes at a time: each little-endian word of the name with bit 0x20 set in
   * every byte (lower-casing a letter, as {@link #equalsIgnoreCase} compares), the bytes past the name masked off, is
   * added and multiplied in; {@link #SEED} plus the length starts it, the high half is the hash. The same function
   * builds the table, so only its spread matters (each usual request and response name sits in its own slot:
   * {@code HeaderNamesHashTest}). A byte-at-a-time polynomial (before) was a multiply per byte on one dependency
   * chain; this is one per eight bytes.
   */
  static int bytesHash(byte[] a, int off, int len) {
    long h = SEED + len;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = (h + ((long) LONGS.get(a, i) | CASE_BITS)) * GOLDEN;
    }
    int rest = end - i;
    if (rest > 0) {
      long w;
      if (i + 8 <= a.length) {
        w = (long) LONGS.get(a, i); // the bytes past the name are read and masked off below
      } else {
        w = 0;
        for (int j = rest - 1; j >= 0; j--) {
          w = (w << 8) | (a[i + j] & 0xff);
        }
      }
      h = (h + ((w | CASE_BITS) & (-1L >>> (64 - (rest << 3))))) * GOLDEN;
    }
    return (int) (h >>> 32);
  }

  /**
   * The well-known lower-case name constant whose letters equal {@code a[off, off+len)} ignoring case, or null.
   * Allocates nothing.
   */
  public static AsciiString wellKnown(byte[] a, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (!Http1HeaderLines.isTchar(a[i])) {
        return null; // (no well-known name has such a byte; the compare below relies on it)
      }
    }
    return wellKnown(a, off, len, bytesHash(a, off, len));
  }

  /**
   * {@link #wellKnown(byte[], int, int)} for a name whose bytes are all token characters (checked by the caller), with
   * its hash already computed by {@link #bytesHash}.
   */
  static AsciiString wellKnown(byte[] a, int off, int len, int hash) {
    for (int i = hash & (BYTES_SIZE - 1); ; i = (i + 1) & (BYTES_SIZE - 1)) {
      byte[] c = LOWER_BYTES[i];
      if (c == null) {
        return null;
      }
      if (c.length == len && equalsIgnoreCase(c, a, off)) {
        return BY_BYTES[i];
      }
    }
  }

  /**
   * Whether {@code a[off, off + lower.length)} is {@code lower} ignoring ASCII case, eight bytes at a time: setting
   * bit 0x20 lower-cases a letter and changes no byte of a well-known name (letters, digits, '-'), and of the token
   * characters a decoder lets through (it checks them first: {@link Http1HeaderLines}) only a letter becomes one of
   * those bytes that way, so the compare is exact for them.
   */
  private static boolean equalsIgnoreCase(byte[] lower, byte[] a, int off) {
    int n = lower.length;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if (((long) LONGS.get(a, off + i) | CASE_BITS) != (long) LONGS.get(lower, i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if ((a[off + i] | 0x20) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code a[off, off+len)} equals the lower-case constant exactly (preserve_case may then share it). */
  public static boolean sameCase(AsciiString lower, byte[] a, int off) {
    byte[] c = lower.array();
    int co = lower.arrayOffset();
    for (int i = 0, n = lower.length(); i < n; i++) {
      if (a[off + i] != c[co + i]) {
        return false;
      }
    }
    return true;
  }

  private HeaderNames() {}

  /** {@code name} in lower case: the same instance when it has no upper-case letter. */
  public static CharSequence lowerCase(CharSequence name) {
    if (!hasUpperCase(name)) {
      return name;
    }
    for (int i = AsciiString.hashCode(name) & MASK; TABLE[i] != null; i = (i + 1) & MASK) {
      if (AsciiString.contentEqualsIgnoreCase(TABLE[i], name)) {
        return TABLE[i];
      }
    }
    return AsciiString.of(name).toLowerCase();
  }

  /** Whether {@code name} is one of the well-known constants (the instance itself: lower case, valid). */
  public static boolean isWellKnownConstant(CharSequence name) {
    if (!(name instanceof AsciiString a)) {
      return false;
    }
    for (int i = a.hashCode() & MASK; TABLE[i] != null; i = (i + 1) & MASK) {
      if (TABLE[i] == name) {
        return true;
      }
    }
    return false;
  }

  /**
   * A name as a map stores it: an interned constant as it is (lower case and valid already); else lower-cased when
   * {@code lowerCase} and checked when {@code validate}.
   */
  static CharSequence normalized(CharSequence name, boolean lowerCase, boolean validate) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    if (isWellKnownConstant(name)) {
      return name;
    }
    CharSequence n = lowerCase ? lowerCase(name) : name;
    if (validate && !isWellKnownConstant(n)) {
      validate(n);
    }
    return n;
  }

  static boolean hasUpperCase(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return true;
      }
    }
    return false;
  }

  private static final DefaultHeaders.NameValidator<CharSequence> NAME_VALIDATOR =
      DefaultHttpHeadersFactory.headersFactory().getNameValidator();

  /**
   * Name instances already validated (javoy's own constants, added to every request and response), by identity:
   * shared by all threads, racy on purpose (a slot holds an immutable instance or a stale one; a miss only
   * validates again).
   */
  private static final CharSequence[] VALIDATED = new CharSequence[64];

  /** Checks a header name as Netty's default headers do (a name instance already checked is not checked again). */
  static void validate(CharSequence n) {
    if (!(n instanceof AsciiString) && !(n instanceof String)) {
      NAME_VALIDATOR.validateName(n); // mutable kinds of CharSequence are not remembered
      return;
    }
    int slot = System.identityHashCode(n) & (VALIDATED.length - 1);
    if (VALIDATED[slot] != n) {
      NAME_VALIDATOR.validateName(n);
      VALIDATED[slot] = n;
    }
  }

  /** Same header name: the identical instance (interned constants), else the same letters ignoring case. */
  static boolean same(CharSequence a, CharSequence b) {
    if (a == b) {
      return true;
    }
    int n = a.length();
    if (n != b.length()) {
      return false;
    }
    if (a instanceof AsciiString x && b instanceof AsciiString y) {
      return sameBytes(x.array(), x.arrayOffset(), y.array(), y.arrayOffset(), n);
    }
    for (int i = 0; i < n; i++) {
      char c = a.charAt(i);
      char d = b.charAt(i);
      if (c != d && toLower(c) != toLower(d)) {
        return false;
      }
    }
    return true;
  }

  /** ASCII case-insensitive equality of two byte ranges; most names of the same length differ at once. */
  private static boolean sameBytes(byte[] x, int xo, byte[] y, int yo, int n) {
    for (int i = 0; i < n; i++) {
      int c = x[xo + i];
      int d = y[yo + i];
      if (c != d && ((c | 0x20) != (d | 0x20) || (c | 0x20) < 'a' || (c | 0x20) > 'z')) {
        return false;
      }
    }
    return true;
  }

  static char toLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
