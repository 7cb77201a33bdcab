package dev.javoy.filters.compression;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Decompresses one body as it streams through, chunk by chunk (Envoy's {@code Decompressor}). Used by one
 * stream on its worker thread; not thread-safe.
 */
public interface StreamDecompressor extends AutoCloseable {
  /**
   * Decompresses the readable bytes of {@code input} (which stays the caller's), returning all the output
   * they yield. Bytes after the end of the compressed stream are ignored.
   *
   * @return the decompressed bytes, owned by the caller; may be empty
   * @throws DecompressionException on corrupt input, or when one chunk inflates beyond the library's limit
   *     (a decompression bomb)
   */
  ByteBuf decompress(ByteBuf input, ByteBufAllocator alloc) throws DecompressionException;

  /** Frees the native state; idempotent. */
  @Override
  void close();
}
