package dev.javoy.proxy.http.h1;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * A thread's scratch array for encoding a message head's header lines before they are copied into the head's buffer
 * in one write ({@link Http1MessageEncoder}): one per event loop, never held across calls. Heads larger than
 * {@link #MAX} are written to their buffer directly, so the array stays small.
 */
final class HeadScratch {
  /** The largest head encoded through the scratch array. */
  static final int MAX = 16 * 1024;

  private static final FastThreadLocal<byte[]> ARRAY = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[MAX];
    }
  };

  private HeadScratch() {}

  static byte[] get() {
    return ARRAY.get();
  }
}
