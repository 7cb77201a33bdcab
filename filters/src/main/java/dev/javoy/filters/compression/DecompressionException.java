package dev.javoy.filters.compression;

/** Input a {@link StreamDecompressor} cannot decode, or that inflates too much; names the library counter. */
public final class DecompressionException extends Exception {
  private final String stat;

  /** @param stat the library's error counter to charge, one of {@link DecompressorLibrary#errorStats()} */
  public DecompressionException(String stat, String message) {
    super(message);
    this.stat = stat;
  }

  public String stat() {
    return stat;
  }
}
