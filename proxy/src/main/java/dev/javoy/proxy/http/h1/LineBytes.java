package dev.javoy.proxy.http.h1;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the bytes that matter to the HTTP/1.1 line parsers (line ends, control characters) eight at a time: each
 * word of a head's bytes is read as one little-endian {@code long} and tested with the has-zero-byte trick (SWAR).
 * <p>
 * For a byte-wise test {@code (x - k) & ~x & 0x80} a byte is flagged when it is below {@code k} (and below 0x80);
 * a borrow can only start at a flagged byte, so bytes above the first flagged one may be flagged wrongly but the
 * lowest flagged byte (the first in memory, little-endian) is always a true one, which is all a search needs. The
 * last bytes (fewer than eight) are looked at one at a time.
 */
final class LineBytes {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long SPACES = 0x2020202020202020L;
  private static final long DELS = 0x7f7f7f7f7f7f7f7fL;
  private static final long CRS = 0x0d0d0d0d0d0d0d0dL;
  private static final long LFS = 0x0a0a0a0a0a0a0a0aL;

  private LineBytes() {}

  /** 0x80 in each byte of {@code x} equal to zero (exact for the lowest such byte). */
  private static long zeroBytes(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  /** The bytes of {@code x} that are control characters: below 0x20 (HTAB, CR, LF included) or DEL. */
  static long controlBytes(long x) {
    return ((x - SPACES) & ~x & HIGHS) | zeroBytes(x ^ DELS);
  }

  /** The bytes of {@code x} that are SP, a control character (below 0x20) or DEL. */
  static long spaceOrControlBytes(long x) {
    return ((x - 0x2121212121212121L) & ~x & HIGHS) | zeroBytes(x ^ DELS);
  }

  /** The bytes of {@code x} that are CR or LF. */
  static long crOrLfBytes(long x) {
    return zeroBytes(x ^ CRS) | zeroBytes(x ^ LFS);
  }

  /** The index of the first control character (below 0x20, or DEL) in {@code b[from, to)}, else {@code to}. */
  static int firstControl(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long m = controlBytes((long) LONGS.get(b, i));
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < to; i++) {
      int c = b[i] & 0xff;
      if (c < 0x20 || c == 0x7f) {
        return i;
      }
    }
    return to;
  }

  /** The index of the first SP, control character or DEL in {@code b[from, to)}, else {@code to}. */
  static int firstSpaceOrControl(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long m = spaceOrControlBytes((long) LONGS.get(b, i));
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < to; i++) {
      int c = b[i] & 0xff;
      if (c <= 0x20 || c == 0x7f) {
        return i;
      }
    }
    return to;
  }

  /** The index of the first CR or LF in {@code b[from, to)}, else {@code to}. */
  static int firstCrOrLf(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long m = crOrLfBytes((long) LONGS.get(b, i));
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte c = b[i];
      if (c == '\r' || c == '\n') {
        return i;
      }
    }
    return to;
  }
}
