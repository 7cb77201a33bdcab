package dev.javoy.proxy.upstream.lb;

import java.nio.charset.StandardCharsets;

/**
 * The 64-bit MurmurHash2 variant of libstdc++'s {@code std::hash<std::string>}, which Envoy's ring hash uses for
 * {@code hash_function: MURMUR_HASH_2} ({@code MurmurHash::murmurHash2} with seed {@code 0xc70f6907}).
 */
public final class MurmurHash2 {
  public static final long STD_HASH_SEED = 0xc70f6907L;
  private static final long MUL = 0xc6a4a7935bd1e995L;

  private MurmurHash2() {}

  public static long hash(String s) {
    return hash(s.getBytes(StandardCharsets.UTF_8), STD_HASH_SEED);
  }

  public static long hash(byte[] b, long seed) {
    int len = b.length;
    int aligned = len & ~7;
    long h = seed ^ (len * MUL);
    for (int p = 0; p < aligned; p += 8) {
      long data = shiftMix(load(b, p, 8) * MUL) * MUL;
      h ^= data;
      h *= MUL;
    }
    if ((len & 7) != 0) {
      h ^= load(b, aligned, len & 7);
      h *= MUL;
    }
    h = shiftMix(h) * MUL;
    return shiftMix(h);
  }

  private static long shiftMix(long v) {
    return v ^ (v >>> 47);
  }

  /** {@code n} bytes at {@code p}, little-endian. */
  private static long load(byte[] b, int p, int n) {
    long r = 0;
    for (int i = n - 1; i >= 0; i--) {
      r = (r << 8) | (b[p + i] & 0xFFL);
    }
    return r;
  }
}
