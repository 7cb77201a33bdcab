package dev.javoy.filters.compression;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Compresses one body as it streams through, chunk by chunk (Envoy's {@code Compressor}). Used by one stream
 * on its worker thread; not thread-safe.
 */
public interface StreamCompressor extends AutoCloseable {
  /**
   * Compresses the readable bytes of {@code input} (which stays the caller's: it is neither consumed nor
   * released). Unless {@code finish}, the output ends with a flush, so the receiver can decode everything
   * given so far (Envoy's {@code State::Flush}); with {@code finish} the stream is completed
   * ({@code State::Finish}) and the compressor must not be used again.
   *
   * @return the compressed bytes, owned by the caller; may be empty
   */
  ByteBuf compress(ByteBuf input, ByteBufAllocator alloc, boolean finish);

  /** Frees the native state; idempotent. */
  @Override
  void close();
}
