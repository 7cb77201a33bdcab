package dev.javoy.filters.compression.brotli;

import com.aayushatharva.brotli4j.encoder.Encoder;
import com.aayushatharva.brotli4j.encoder.EncoderJNI;
import com.aayushatharva.brotli4j.encoder.EncoderJNI.Operation;
import dev.javoy.filters.compression.OutputChunks;
import dev.javoy.filters.compression.StreamCompressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Brotli over brotli4j's streaming encoder: input is pushed through the encoder's native input buffer, every
 * chunk ends with {@code BROTLI_OPERATION_FLUSH} and the body with {@code BROTLI_OPERATION_FINISH}.
 */
final class BrotliCompressor implements StreamCompressor {
  /** Bound on the finish loop: the encoder finishes within a couple of rounds once output is drained. */
  private static final int MAX_FINISH_ROUNDS = 64;

  private final EncoderJNI.Wrapper encoder;
  private final int chunkSize;
  private boolean closed;

  /** @param mode null for brotli's default mode */
  BrotliCompressor(int quality, int windowBits, Encoder.Mode mode, int chunkSize) {
    try {
      this.encoder = new EncoderJNI.Wrapper(chunkSize, quality, windowBits, mode);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a brotli encoder", e);
    }
    this.chunkSize = chunkSize;
  }

  @Override
  public ByteBuf compress(ByteBuf input, ByteBufAllocator alloc, boolean finish) {
    OutputChunks out = new OutputChunks(alloc, chunkSize, input.readableBytes() / 2 + 16, false);
    try {
      if (input.isReadable()) {
        for (ByteBuffer b : input.nioBuffers(input.readerIndex(), input.readableBytes())) {
          while (b.hasRemaining()) {
            ByteBuffer in = encoder.getInputBuffer();
            in.clear();
            int n = Math.min(in.remaining(), b.remaining());
            ByteBuffer part = b.duplicate();
            part.limit(part.position() + n);
            in.put(part);
            b.position(b.position() + n);
            encoder.push(Operation.PROCESS, n);
            drain(out);
          }
        }
      }
      if (finish) {
        for (int round = 0; !encoder.isFinished(); round++) {
          if (round == MAX_FINISH_ROUNDS) {
            throw new IllegalStateException("brotli encoder did not finish");
          }
          encoder.push(Operation.FINISH, 0);
          drain(out);
        }
        close();
      } else {
        encoder.push(Operation.FLUSH, 0);
        drain(out);
      }
      return out.finish();
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  /** Takes all the output the encoder has, letting it go through input it still holds. */
  private void drain(OutputChunks out) {
    while (true) {
      if (!encoder.isSuccess()) {
        throw new IllegalStateException("brotli encoder failed");
      }
      if (encoder.hasMoreOutput()) {
        out.write(encoder.pull());
      } else if (encoder.hasRemainingInput()) {
        encoder.push(Operation.PROCESS, 0);
      } else {
        return;
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      encoder.destroy();
    }
  }
}
