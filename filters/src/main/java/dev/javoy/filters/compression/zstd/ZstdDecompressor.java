package dev.javoy.filters.compression.zstd;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.javoy.filters.compression.DecompressionException;
import dev.javoy.filters.compression.InflateGuard;
import dev.javoy.filters.compression.OutputChunks;
import dev.javoy.filters.compression.StreamDecompressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * zstd decoding over zstd-jni's streaming context ({@code ZSTD_decompressStream}). As Envoy's, it refuses a
 * body whose output exceeds 100 times its input (a decompression bomb).
 */
final class ZstdDecompressor implements StreamDecompressor {
  static final String GENERIC_ERROR = "zstd_generic_error";
  static final List<String> ERROR_STATS = List.of("zstd_generic_error", "zstd_dictionary_error",
      "zstd_checksum_wrong_error", "zstd_memory_error");
  /** Envoy's fixed bomb guard for zstd. */
  private static final long MAX_INFLATE_RATIO = 100;

  private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
  private final int chunkSize;
  private final InflateGuard guard = new InflateGuard(MAX_INFLATE_RATIO, GENERIC_ERROR);
  private boolean closed;

  ZstdDecompressor(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  @Override
  public ByteBuf decompress(ByteBuf input, ByteBufAllocator alloc) throws DecompressionException {
    int inputBytes = input.readableBytes();
    guard.input(inputBytes);
    OutputChunks out = new OutputChunks(alloc, chunkSize, inputBytes * 4L, true);
    try {
      DirectInput.forEach(input, alloc, chunkSize, src -> decode(src, out));
      return out.finish();
    } catch (DecompressionException | RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  private void decode(ByteBuffer src, OutputChunks out) throws DecompressionException {
    while (true) {
      ByteBuffer dst = out.writable();
      int space = dst.remaining();
      try {
        ctx.decompressDirectByteBufferStream(dst, src);
      } catch (ZstdException e) {
        throw new DecompressionException(statOf(e.getErrorCode()), "invalid zstd data: " + e.getMessage());
      }
      int n = dst.position();
      out.commit(n);
      guard.output(n);
      if (!src.hasRemaining() && n < space) {
        return; // input consumed and nothing more held back
      }
    }
  }

  private static String statOf(long code) {
    if (code == Zstd.errMemoryAllocation()) {
      return "zstd_memory_error";
    } else if (code == Zstd.errDictionaryCorrupted() || code == Zstd.errDictionaryWrong()) {
      return "zstd_dictionary_error";
    } else if (code == Zstd.errChecksumWrong()) {
      return "zstd_checksum_wrong_error";
    }
    return GENERIC_ERROR;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      ctx.close();
    }
  }
}
