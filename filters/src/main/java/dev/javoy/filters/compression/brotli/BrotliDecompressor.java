package dev.javoy.filters.compression.brotli;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import dev.javoy.filters.compression.DecompressionException;
import dev.javoy.filters.compression.InflateGuard;
import dev.javoy.filters.compression.OutputChunks;
import dev.javoy.filters.compression.StreamDecompressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Brotli decoding over brotli4j's streaming decoder. As Envoy's, it refuses a body whose output exceeds 100
 * times its input (a decompression bomb); input after the end of the brotli stream is an error.
 */
final class BrotliDecompressor implements StreamDecompressor {
  static final String ERROR = "brotli_error";
  /** Envoy's fixed bomb guard for brotli. */
  private static final long MAX_INFLATE_RATIO = 100;

  private final DecoderJNI.Wrapper decoder;
  private final int chunkSize;
  private final InflateGuard guard = new InflateGuard(MAX_INFLATE_RATIO, ERROR);
  private boolean closed;

  BrotliDecompressor(int chunkSize) {
    try {
      this.decoder = new DecoderJNI.Wrapper(chunkSize, chunkSize);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a brotli decoder", e);
    }
    this.chunkSize = chunkSize;
  }

  @Override
  public ByteBuf decompress(ByteBuf input, ByteBufAllocator alloc) throws DecompressionException {
    int inputBytes = input.readableBytes();
    OutputChunks out = new OutputChunks(alloc, chunkSize, inputBytes * 4L, false);
    guard.input(inputBytes);
    try {
      if (inputBytes > 0) {
        for (ByteBuffer b : input.nioBuffers(input.readerIndex(), inputBytes)) {
          decode(b, out);
        }
      }
      return out.finish();
    } catch (DecompressionException | RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  private void decode(ByteBuffer in, OutputChunks out) throws DecompressionException {
    while (true) {
      if (decoder.hasOutput()) {
        pull(out);
        continue;
      }
      switch (decoder.getStatus()) {
        case NEEDS_MORE_INPUT -> {
          if (!in.hasRemaining()) {
            return;
          }
          ByteBuffer buf = decoder.getInputBuffer();
          buf.clear();
          int n = Math.min(buf.remaining(), in.remaining());
          ByteBuffer part = in.duplicate();
          part.limit(part.position() + n);
          buf.put(part);
          in.position(in.position() + n);
          decoder.push(n);
        }
        case OK -> decoder.push(0);
        case NEEDS_MORE_OUTPUT -> pull(out);
        case DONE -> {
          if (in.hasRemaining()) {
            throw new DecompressionException(ERROR, "data after the end of the brotli stream");
          }
          return;
        }
        default -> throw new DecompressionException(ERROR, "corrupt brotli data");
      }
    }
  }

  private void pull(OutputChunks out) throws DecompressionException {
    ByteBuffer b = decoder.pull();
    guard.output(b.remaining());
    out.write(b);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      decoder.destroy();
    }
  }
}
