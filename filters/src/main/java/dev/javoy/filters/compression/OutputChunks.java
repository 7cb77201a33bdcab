package dev.javoy.filters.compression;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Where a codec writes the output of one call: buffers of at most {@code chunk_size} bytes (Envoy's
 * "next output buffer" size of every compression library), handed over together as one {@link ByteBuf}.
 * The first buffer starts small and grows up to the chunk size, so a small output does not hold a whole chunk.
 */
public final class OutputChunks {
  private static final int MIN_FIRST = 256;
  private static final int MAX_COMPONENTS = 1024;

  private final ByteBufAllocator alloc;
  private final int chunkSize;
  private final boolean direct;
  private final int firstSize;
  private ByteBuf current;
  private CompositeByteBuf full;
  private long size;

  /**
   * @param expected a guess at the output size, for the first buffer
   * @param direct whether the buffers must be direct (for codecs that only take direct NIO buffers)
   */
  public OutputChunks(ByteBufAllocator alloc, int chunkSize, long expected, boolean direct) {
    this.alloc = alloc;
    this.chunkSize = chunkSize;
    this.direct = direct;
    this.firstSize = (int) Math.min(chunkSize, Math.max(MIN_FIRST, expected));
  }

  /**
   * Free space to write into, at least one byte, as an NIO view of the current buffer positioned at 0; after
   * writing {@code n} bytes into it, call {@link #commit(int)}.
   */
  public ByteBuffer writable() {
    if (current == null) {
      current = allocate(firstSize);
    } else if (!current.isWritable()) {
      if (current.capacity() < chunkSize) {
        current.ensureWritable(1); // grows within its max capacity, the chunk size
      } else {
        retire();
        current = allocate(chunkSize);
      }
    }
    return current.nioBuffer(current.writerIndex(), current.writableBytes());
  }

  /** Records that {@code n} bytes were written into the last {@link #writable()} view. */
  public void commit(int n) {
    current.writerIndex(current.writerIndex() + n);
    size += n;
  }

  /** Copies all remaining bytes of {@code src}, advancing its position. */
  public void write(ByteBuffer src) {
    while (src.hasRemaining()) {
      ByteBuffer dst = writable();
      int n = Math.min(dst.remaining(), src.remaining());
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + n);
      dst.put(part);
      src.position(src.position() + n);
      commit(n);
    }
  }

  public void write(byte[] bytes) {
    write(ByteBuffer.wrap(bytes));
  }

  /** Bytes written so far. */
  public long size() {
    return size;
  }

  /** All the output, owned by the caller (an empty unreleasable buffer when there is none). */
  public ByteBuf finish() {
    if (full == null) {
      if (current == null || !current.isReadable()) {
        release();
        return Unpooled.EMPTY_BUFFER;
      }
      ByteBuf out = current;
      current = null;
      return out;
    }
    retire();
    ByteBuf out = full;
    full = null;
    return out;
  }

  /** Drops everything written (on an error). */
  public void release() {
    if (current != null) {
      current.release();
      current = null;
    }
    if (full != null) {
      full.release();
      full = null;
    }
  }

  private ByteBuf allocate(int capacity) {
    return direct ? alloc.directBuffer(capacity, chunkSize) : alloc.buffer(capacity, chunkSize);
  }

  private void retire() {
    if (current == null) {
      return;
    }
    if (!current.isReadable()) {
      current.release();
    } else {
      if (full == null) {
        full = alloc.compositeBuffer(MAX_COMPONENTS);
      }
      full.addComponent(true, current);
    }
    current = null;
  }
}
