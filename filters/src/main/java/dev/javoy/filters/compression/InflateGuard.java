package dev.javoy.filters.compression;

/**
 * The decompression bomb guard: the output of a body may not exceed {@code maxRatio} times the compressed
 * input accumulated so far (Envoy's {@code max_inflate_ratio}, "the number of times the output buffer is
 * allowed to be bigger than the size of the accumulated input"). Counting the whole body rather than each
 * chunk keeps legitimate data arriving in small chunks from being refused.
 */
public final class InflateGuard {
  private final long maxRatio;
  private final String stat;
  private long input;
  private long output;

  /** @param stat the library counter a refusal charges */
  public InflateGuard(long maxRatio, String stat) {
    this.maxRatio = maxRatio;
    this.stat = stat;
  }

  /** Counts compressed input about to be decoded. */
  public void input(int bytes) {
    input += bytes;
  }

  /** Counts decoded output, refusing it when the body inflates beyond the ratio. */
  public void output(long bytes) throws DecompressionException {
    output += bytes;
    if (output > maxRatio * input) {
      throw new DecompressionException(stat, "excessive decompression ratio: " + output + " bytes out of "
          + input + " exceeds " + maxRatio + " times the input");
    }
  }
}
