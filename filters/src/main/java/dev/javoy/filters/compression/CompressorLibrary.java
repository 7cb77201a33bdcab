package dev.javoy.filters.compression;

/**
 * A configured compression library (Envoy's {@code CompressorFactory}): immutable, shared by all workers; makes
 * one {@link StreamCompressor} per compressed body.
 */
public interface CompressorLibrary {
  /** The {@code content-encoding} token it produces, such as {@code gzip}, {@code br} or {@code zstd}. */
  String contentEncoding();

  /** The library's part of the filter's stat names, with its trailing dot, such as {@code gzip.}. */
  String statsPrefix();

  StreamCompressor newCompressor();
}
