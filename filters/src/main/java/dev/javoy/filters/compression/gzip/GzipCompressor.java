package dev.javoy.filters.compression.gzip;

import dev.javoy.filters.compression.OutputChunks;
import dev.javoy.filters.compression.StreamCompressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) over the JDK's zlib deflate: the 10-byte header before the first output, raw deflate data
 * synced ({@code Z_SYNC_FLUSH}) at the end of every chunk, and the CRC-32 / size trailer at the finish.
 */
final class GzipCompressor implements StreamCompressor {
  private static final int OS_UNIX = 3;

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final int chunkSize;
  private final byte extraFlags;
  private boolean headerWritten;
  private boolean finished;
  private long inputSize;

  /**
   * @param level zlib level, or {@link Deflater#DEFAULT_COMPRESSION}
   * @param strategy one of the {@link Deflater} strategies
   */
  GzipCompressor(int level, int strategy, int chunkSize) {
    this.deflater = new Deflater(level, true);
    this.deflater.setStrategy(strategy);
    this.chunkSize = chunkSize;
    // XFL as zlib sets it: 2 for the slowest level, 4 for the fastest ones
    this.extraFlags = (byte) (level == 9 ? 2 : level == 1 || strategy == Deflater.HUFFMAN_ONLY ? 4 : 0);
  }

  @Override
  public ByteBuf compress(ByteBuf input, ByteBufAllocator alloc, boolean finish) {
    if (finished) {
      throw new IllegalStateException("gzip stream already finished");
    }
    OutputChunks out = new OutputChunks(alloc, chunkSize, input.readableBytes() / 2 + 32, false);
    try {
      if (!headerWritten) {
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, OS_UNIX});
        headerWritten = true;
      }
      if (input.isReadable()) {
        for (ByteBuffer b : input.nioBuffers(input.readerIndex(), input.readableBytes())) {
          crc.update(b.duplicate());
          inputSize += b.remaining();
          deflater.setInput(b);
          while (!deflater.needsInput()) {
            deflateInto(out, Deflater.NO_FLUSH);
          }
        }
      }
      if (finish) {
        deflater.finish();
        while (!deflater.finished()) {
          deflateInto(out, Deflater.NO_FLUSH);
        }
        out.write(trailer());
        finished = true;
        deflater.end();
      } else {
        // A full output buffer may hide more flushed data: go on until the flush fits.
        while (deflateInto(out, Deflater.SYNC_FLUSH)) {
          // next output chunk
        }
      }
      return out.finish();
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  /** @return whether the output filled the space it was given (so there may be more) */
  private boolean deflateInto(OutputChunks out, int flush) {
    ByteBuffer dst = out.writable();
    int space = dst.remaining();
    int n = deflater.deflate(dst, flush);
    out.commit(n);
    return n == space;
  }

  private byte[] trailer() {
    long c = crc.getValue();
    long s = inputSize & 0xffffffffL;
    return new byte[] {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
        (byte) s, (byte) (s >>> 8), (byte) (s >>> 16), (byte) (s >>> 24)};
  }

  @Override
  public void close() {
    deflater.end();
  }
}
