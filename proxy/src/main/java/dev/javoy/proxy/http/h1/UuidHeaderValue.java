package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A UUID header value ({@code x-request-id}, Envoy's {@code envoy.request_id.uuid}) held as its 128 bits and read as
 * its 36 lower-case characters ({@code 8-4-4-4-12} hex digits, as {@code java.util.UUID.toString}): one small object
 * per request instead of a {@code String} and its bytes. The HTTP/1.1 encoders write the digits straight into the
 * head ({@link #put}); anything else reads it as a {@link CharSequence}, and {@link #toString} makes the
 * {@code String} once, for whoever asks (access logs, tracing).
 */
public final class UuidHeaderValue implements CharSequence {
  /** The text's length. */
  public static final int LENGTH = 36;
  /** The two lower-case hex digits of every byte value, at [2b] and [2b+1]. */
  private static final byte[] HEX_PAIRS = new byte[512];

  static {
    byte[] hex = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    for (int b = 0; b < 256; b++) {
      HEX_PAIRS[2 * b] = hex[b >>> 4];
      HEX_PAIRS[2 * b + 1] = hex[b & 0xF];
    }
  }

  private final long hi;
  private final long lo;
  /** The text as a String, made on the first {@link #toString}. */
  private String string;

  /** The UUID of these bits (most significant 64, least significant 64), as they are. */
  public UuidHeaderValue(long mostSignificant, long leastSignificant) {
    this.hi = mostSignificant;
    this.lo = leastSignificant;
  }

  /** A version 4 (random) UUID of the IETF variant from 128 random bits: Envoy's generated request id. */
  public static UuidHeaderValue version4(long random1, long random2) {
    return new UuidHeaderValue((random1 & ~0xF000L) | 0x4000L, (random2 & ~(0xC000L << 48)) | (0x8000L << 48));
  }

  /**
   * This UUID with its version digit (character 14) replaced by {@code digit} (0..15): where Envoy's UUID request id
   * extension packs the trace decision.
   */
  public UuidHeaderValue withVersionDigit(int digit) {
    return new UuidHeaderValue((hi & ~0xF000L) | ((long) (digit & 0xF) << 12), lo);
  }

  /** The most significant 64 bits. */
  public long mostSignificantBits() {
    return hi;
  }

  /** The least significant 64 bits. */
  public long leastSignificantBits() {
    return lo;
  }

  @Override
  public int length() {
    return LENGTH;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= LENGTH) {
      throw new IndexOutOfBoundsException(index);
    }
    if (index == 8 || index == 13 || index == 18 || index == 23) {
      return '-';
    }
    // the index among the 32 digits: one less for each dash before it
    int digit = index - (index > 23 ? 4 : index > 18 ? 3 : index > 13 ? 2 : index > 8 ? 1 : 0);
    long bits = digit < 16 ? hi : lo;
    int nibble = (int) (bits >>> (60 - ((digit & 15) << 2))) & 0xF;
    return (char) HEX_PAIRS[(nibble << 1) + 1];
  }

  /** Writes the 36 characters into {@code d} at {@code p}; returns the end. */
  public int put(byte[] d, int p) {
    // 8-4-4-4-12 digits: hi's bytes 7..4, 3..2, 1..0; lo's bytes 7..6, 5..0 (a byte pair at a time, no branches)
    pair(d, p, hi >>> 56);
    pair(d, p + 2, hi >>> 48);
    pair(d, p + 4, hi >>> 40);
    pair(d, p + 6, hi >>> 32);
    d[p + 8] = '-';
    pair(d, p + 9, hi >>> 24);
    pair(d, p + 11, hi >>> 16);
    d[p + 13] = '-';
    pair(d, p + 14, hi >>> 8);
    pair(d, p + 16, hi);
    d[p + 18] = '-';
    pair(d, p + 19, lo >>> 56);
    pair(d, p + 21, lo >>> 48);
    d[p + 23] = '-';
    pair(d, p + 24, lo >>> 40);
    pair(d, p + 26, lo >>> 32);
    pair(d, p + 28, lo >>> 24);
    pair(d, p + 30, lo >>> 16);
    pair(d, p + 32, lo >>> 8);
    pair(d, p + 34, lo);
    return p + LENGTH;
  }

  /** Writes the 36 characters to {@code out}. */
  public void write(ByteBuf out) {
    byte[] b = new byte[LENGTH]; // (heads too large for the encoder's scratch array only)
    put(b, 0);
    out.writeBytes(b);
  }

  private static void pair(byte[] d, int at, long bits) {
    int i = ((int) bits & 0xFF) << 1;
    d[at] = HEX_PAIRS[i];
    d[at + 1] = HEX_PAIRS[i + 1];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().subSequence(start, end);
  }

  @Override
  public String toString() {
    String s = string;
    if (s == null) {
      byte[] b = new byte[LENGTH];
      put(b, 0);
      s = new String(b, StandardCharsets.ISO_8859_1);
      string = s;
    }
    return s;
  }
}
