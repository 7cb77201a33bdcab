package dev.javoy.proxy.accesslog.format;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * Per-thread reusable builders for formatting entries on the worker threads, and UTF-8 encoding of them.
 * Formatting is not reentrant, so one builder per thread is enough.
 */
public final class FormatBuffers {
  private static final int INITIAL = 512;
  private static final int MAX_RETAINED = 64 * 1024;

  private static final FastThreadLocal<StringBuilder> BUILDERS = new FastThreadLocal<>() {
    @Override
    protected StringBuilder initialValue() {
      return new StringBuilder(INITIAL);
    }
  };

  private FormatBuffers() {}

  /** This thread's builder, emptied. */
  public static StringBuilder builder() {
    StringBuilder sb = BUILDERS.get();
    if (sb.capacity() > MAX_RETAINED) {
      sb = new StringBuilder(INITIAL);
      BUILDERS.set(sb);
    }
    sb.setLength(0);
    return sb;
  }

  /** The UTF-8 bytes of {@code s} (unpaired surrogates become {@code ?}). */
  public static byte[] utf8(CharSequence s) {
    int n = s.length();
    int size = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        size++;
      } else if (c < 0x800) {
        size += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        size += 4;
        i++;
      } else {
        size += Character.isSurrogate(c) ? 1 : 3;
      }
    }
    byte[] out = new byte[size];
    int p = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[p++] = (byte) (0xF0 | (cp >> 18));
        out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        out[p++] = '?';
      } else {
        out[p++] = (byte) (0xE0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }
}
