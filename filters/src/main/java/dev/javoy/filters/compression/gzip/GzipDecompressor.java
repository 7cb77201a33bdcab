package dev.javoy.filters.compression.gzip;

import dev.javoy.filters.compression.DecompressionException;
import dev.javoy.filters.compression.InflateGuard;
import dev.javoy.filters.compression.OutputChunks;
import dev.javoy.filters.compression.StreamDecompressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * gunzip over the JDK's zlib inflate. As Envoy's zlib decompressor it decodes one gzip member and ignores
 * what follows it, and refuses a body whose output exceeds {@code max_inflate_ratio} times its input.
 */
final class GzipDecompressor implements StreamDecompressor {
  private enum State { HEADER, DEFLATE, TRAILER, DONE }

  private final Inflater inflater = new Inflater(true);
  private final GzipMemberReader framing = new GzipMemberReader();
  private final CRC32 crc = new CRC32();
  private final int chunkSize;
  private final InflateGuard guard;
  private State state = State.HEADER;
  private long outputSize;

  GzipDecompressor(int chunkSize, int maxInflateRatio) {
    this.chunkSize = chunkSize;
    this.guard = new InflateGuard(maxInflateRatio, GzipMemberReader.DATA_ERROR);
  }

  @Override
  public ByteBuf decompress(ByteBuf input, ByteBufAllocator alloc) throws DecompressionException {
    int inputBytes = input.readableBytes();
    guard.input(inputBytes);
    OutputChunks out = new OutputChunks(alloc, chunkSize, inputBytes * 4L, false);
    try {
      if (inputBytes > 0) {
        for (ByteBuffer b : input.nioBuffers(input.readerIndex(), inputBytes)) {
          consume(b, out);
        }
      }
      return out.finish();
    } catch (DecompressionException | RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  private void consume(ByteBuffer in, OutputChunks out) throws DecompressionException {
    while (in.hasRemaining()) {
      switch (state) {
        case HEADER -> {
          if (framing.readHeader(in)) {
            state = State.DEFLATE;
          }
        }
        case DEFLATE -> inflate(in, out);
        case TRAILER -> {
          if (framing.readTrailer(in, crc.getValue(), outputSize)) {
            state = State.DONE;
            inflater.end();
          }
        }
        case DONE -> in.position(in.limit()); // after the member: ignored, as zlib's inflate stops there
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  private void inflate(ByteBuffer in, OutputChunks out) throws DecompressionException {
    inflater.setInput(in);
    while (true) {
      ByteBuffer dst = out.writable();
      int n;
      try {
        n = inflater.inflate(dst);
      } catch (DataFormatException e) {
        throw new DecompressionException(GzipMemberReader.DATA_ERROR, "invalid deflate data: " + e.getMessage());
      }
      dst.flip();
      crc.update(dst);
      out.commit(n);
      outputSize += n;
      guard.output(n);
      if (inflater.finished()) {
        state = State.TRAILER; // what is left of in is the trailer
        return;
      }
      if (inflater.needsDictionary()) {
        throw new DecompressionException(GzipMemberReader.DATA_ERROR, "deflate data needs a preset dictionary");
      }
      if (n == 0) {
        if (!inflater.needsInput()) {
          throw new DecompressionException("zlib_stream_error", "inflate made no progress");
        }
        return; // all of in consumed; wait for the next chunk
      }
    }
  }

  @Override
  public void close() {
    inflater.end();
  }
}
