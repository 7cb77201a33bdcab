package dev.javoy.filters.compression.zstd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Hands the readable bytes of a {@link ByteBuf} to a codec that takes direct NIO buffers only: direct memory
 * as it is, heap memory copied through one scratch direct buffer of at most {@code chunk} bytes.
 */
final class DirectInput {
  /** What consumes each direct piece. */
  interface Sink<E extends Exception> {
    void accept(ByteBuffer direct) throws E;
  }

  private DirectInput() {}

  static <E extends Exception> void forEach(ByteBuf input, ByteBufAllocator alloc, int chunk, Sink<E> sink)
      throws E {
    if (!input.isReadable()) {
      return;
    }
    ByteBuf scratch = null;
    try {
      for (ByteBuffer b : input.nioBuffers(input.readerIndex(), input.readableBytes())) {
        if (b.isDirect()) {
          sink.accept(b);
          continue;
        }
        if (scratch == null) {
          scratch = alloc.directBuffer(Math.min(chunk, input.readableBytes()));
        }
        while (b.hasRemaining()) {
          ByteBuffer s = scratch.nioBuffer(0, scratch.capacity());
          int n = Math.min(s.remaining(), b.remaining());
          ByteBuffer part = b.duplicate();
          part.limit(part.position() + n);
          s.put(part);
          b.position(b.position() + n);
          s.flip();
          sink.accept(s);
        }
      }
    } finally {
      if (scratch != null) {
        scratch.release();
      }
    }
  }
}
