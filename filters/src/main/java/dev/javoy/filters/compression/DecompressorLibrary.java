package dev.javoy.filters.compression;

import java.util.List;

/**
 * A configured decompression library (Envoy's {@code DecompressorFactory}): immutable, shared by all workers;
 * makes one {@link StreamDecompressor} per decompressed body.
 */
public interface DecompressorLibrary {
  /** The {@code content-encoding} token it undoes, such as {@code gzip}, {@code br} or {@code zstd}. */
  String contentEncoding();

  /** The library's part of the filter's stat names, with its trailing dot, such as {@code gzip.}. */
  String statsPrefix();

  /**
   * The library's own error counters (Envoy's {@code <stat_prefix>decompressor_library.*}), created with the
   * filter so they exist before the first error; a {@link DecompressionException} names one of them.
   */
  List<String> errorStats();

  StreamDecompressor newDecompressor();
}
