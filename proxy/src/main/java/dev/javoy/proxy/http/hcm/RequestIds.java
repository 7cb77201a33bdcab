package dev.javoy.proxy.http.hcm;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Envoy's UUID (version 4) request ids for {@code x-request-id}. */
final class RequestIds {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** The digits are written here first, so a request id costs only its String (and its bytes). */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[36];
    }
  };

  private RequestIds() {}

  static String newUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    byte[] c = SCRATCH.get();
    int p = 0;
    for (int i = 60; i >= 0; i -= 4) {
      if (p == 8 || p == 13) {
        c[p++] = '-';
      }
      c[p++] = HEX[(int) (hi >>> i) & 0xF];
    }
    c[p++] = '-';
    for (int i = 60; i >= 0; i -= 4) {
      if (p == 23) {
        c[p++] = '-';
      }
      c[p++] = HEX[(int) (lo >>> i) & 0xF];
    }
    return new String(c, 0, 36, StandardCharsets.ISO_8859_1);
  }
}
