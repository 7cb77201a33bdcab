package dev.javoy.filters.compression.zstd;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.javoy.filters.compression.OutputChunks;
import dev.javoy.filters.compression.StreamCompressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * zstd over zstd-jni's streaming context ({@code ZSTD_compressStream2}): input with {@code ZSTD_e_continue},
 * every chunk ended with {@code ZSTD_e_flush}, the body with {@code ZSTD_e_end}.
 */
final class ZstdCompressor implements StreamCompressor {
  private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);

  private final ZstdCompressCtx ctx = new ZstdCompressCtx();
  private final int chunkSize;
  private boolean closed;

  /** @param strategy zstd's strategy number, or 0 for the level's own */
  ZstdCompressor(int level, boolean checksum, int strategy, int chunkSize) {
    ctx.setLevel(level);
    ctx.setChecksum(checksum);
    if (strategy != 0) {
      ctx.setStrategy(strategy);
    }
    this.chunkSize = chunkSize;
  }

  @Override
  public ByteBuf compress(ByteBuf input, ByteBufAllocator alloc, boolean finish) {
    OutputChunks out = new OutputChunks(alloc, chunkSize, input.readableBytes() / 2 + 32, true);
    try {
      DirectInput.forEach(input, alloc, chunkSize, src -> {
        while (src.hasRemaining()) {
          ByteBuffer dst = out.writable();
          ctx.compressDirectByteBufferStream(dst, src, EndDirective.CONTINUE);
          out.commit(dst.position());
        }
      });
      EndDirective end = finish ? EndDirective.END : EndDirective.FLUSH;
      boolean done;
      do {
        ByteBuffer dst = out.writable();
        done = ctx.compressDirectByteBufferStream(dst, NO_INPUT.duplicate(), end);
        out.commit(dst.position());
      } while (!done);
      if (finish) {
        close();
      }
      return out.finish();
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      ctx.close();
    }
  }
}
