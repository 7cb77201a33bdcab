package dev.javoy.proxy.http.hcm;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Envoy's UUID (version 4) request ids for {@code x-request-id}. */
final class RequestIds {
  /** The two lower-case hex digits of every byte value, at [2b] and [2b+1]. */
  private static final byte[] HEX_PAIRS = new byte[512];
  /** The digits are written here first, so a request id costs only its String (and its bytes). */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      byte[] c = new byte[36];
      c[8] = c[13] = c[18] = c[23] = '-'; // the dashes never move
      return c;
    }
  };

  static {
    byte[] hex = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    for (int b = 0; b < 256; b++) {
      HEX_PAIRS[2 * b] = hex[b >>> 4];
      HEX_PAIRS[2 * b + 1] = hex[b & 0xF];
    }
  }

  private RequestIds() {}

  static String newUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    byte[] c = SCRATCH.get();
    // 8-4-4-4-12 digits: hi's bytes 7..4, 3..2, 1..0; lo's bytes 7..6, 5..0 (a byte pair at a time, no branches)
    pair(c, 0, hi >>> 56);
    pair(c, 2, hi >>> 48);
    pair(c, 4, hi >>> 40);
    pair(c, 6, hi >>> 32);
    pair(c, 9, hi >>> 24);
    pair(c, 11, hi >>> 16);
    pair(c, 14, hi >>> 8);
    pair(c, 16, hi);
    pair(c, 19, lo >>> 56);
    pair(c, 21, lo >>> 48);
    pair(c, 24, lo >>> 40);
    pair(c, 26, lo >>> 32);
    pair(c, 28, lo >>> 24);
    pair(c, 30, lo >>> 16);
    pair(c, 32, lo >>> 8);
    pair(c, 34, lo);
    return new String(c, 0, 36, StandardCharsets.ISO_8859_1);
  }

  private static void pair(byte[] c, int at, long bits) {
    int i = ((int) bits & 0xFF) << 1;
    c[at] = HEX_PAIRS[i];
    c[at + 1] = HEX_PAIRS[i + 1];
  }
}
