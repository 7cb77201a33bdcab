package dev.javoy.filters.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three compression libraries against their reference implementations: streaming compression chunk by
 * chunk (each chunk flushed, so what came out so far decodes to what went in so far), streaming decompression
 * split anywhere, corrupt input, the decompression bomb guard, and no buffer left unreleased.
 */
class StreamCodecTest {
  private final FilterHarness harness = new FilterHarness();
  private final TrackingAllocator alloc = new TrackingAllocator(false);

  @AfterEach
  void noLeaks() {
    alloc.assertAllReleased();
  }

  private CompressorLibrary compressor(Codecs c) throws Exception {
    return CompressionLibraries.compressor(c.compressorRef(""), "compressor_library", harness.ctx);
  }

  private DecompressorLibrary decompressor(Codecs c) throws Exception {
    return CompressionLibraries.decompressor(c.decompressorRef(""), "decompressor_library", harness.ctx);
  }

  /** {@code data} as a buffer of the kind {@code kind} picks: heap, direct, or a composite of both. */
  private ByteBuf input(byte[] data, int from, int to, int kind) {
    int n = to - from;
    switch (kind % 3) {
      case 0 -> {
        return alloc.heapBuffer(n).writeBytes(data, from, n);
      }
      case 1 -> {
        return alloc.directBuffer(n).writeBytes(data, from, n);
      }
      default -> {
        CompositeByteBuf c = alloc.compositeBuffer();
        int mid = from + n / 2;
        c.addComponent(true, alloc.heapBuffer(Math.max(1, mid - from)).writeBytes(data, from, mid - from));
        c.addComponent(true, alloc.directBuffer(Math.max(1, to - mid)).writeBytes(data, mid, to - mid));
        return c;
      }
    }
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), out);
    return out;
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void compressesChunkByChunkWithAFlushAfterEach(Codecs codec) throws Exception {
    byte[] body = Codecs.text(300_000, 1);
    StreamCompressor compressor = compressor(codec).newCompressor();
    StreamDecompressor follower = decompressor(codec).newDecompressor();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    ByteArrayOutputStream followed = new ByteArrayOutputStream();
    Random r = new Random(7);
    int at = 0;
    int chunks = 0;
    while (at < body.length) {
      int end = Math.min(body.length, at + 1 + r.nextInt(r.nextBoolean() ? 100 : 8000));
      ByteBuf in = input(body, at, end, chunks);
      ByteBuf out = compressor.compress(in, alloc, false);
      in.release();
      assertTrue(out.isReadable(), "a flushed chunk yields output");
      compressed.write(bytes(out));
      ByteBuf decoded = follower.decompress(out, alloc);
      out.release();
      followed.write(bytes(decoded));
      decoded.release();
      at = end;
      chunks++;
      assertArrayEquals(Arrays.copyOf(body, at), followed.toByteArray(), "after chunk " + chunks);
    }
    ByteBuf last = compressor.compress(Unpooled.EMPTY_BUFFER, alloc, true);
    compressed.write(bytes(last));
    last.release();
    compressor.close();
    follower.close();
    assertTrue(chunks > 50, "many chunks: " + chunks);
    assertArrayEquals(body, codec.referenceDecompress(compressed.toByteArray()));
    assertTrue(compressed.size() < body.length / 2, "compressed to " + compressed.size());
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void lastChunkCanCarryDataAndEmptyBodiesAreValidStreams(Codecs codec) throws Exception {
    byte[] body = Codecs.text(5000, 2);
    StreamCompressor c = compressor(codec).newCompressor();
    ByteBuf in = input(body, 0, body.length, 1);
    ByteBuf out = c.compress(in, alloc, true);
    in.release();
    assertArrayEquals(body, codec.referenceDecompress(bytes(out)));
    out.release();
    c.close();
    c.close(); // idempotent

    StreamCompressor empty = compressor(codec).newCompressor();
    ByteBuf none = empty.compress(Unpooled.EMPTY_BUFFER, alloc, true);
    assertEquals(0, codec.referenceDecompress(bytes(none)).length);
    none.release();
    empty.close();
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void decompressesAReferenceStreamSplitAnywhere(Codecs codec) throws Exception {
    byte[] body = Codecs.text(120_000, 3);
    byte[] compressed = codec.referenceCompress(body);
    for (int step : new int[] {1, 7, 100, 4096, compressed.length}) {
      StreamDecompressor d = decompressor(codec).newDecompressor();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int at = 0; at < compressed.length; at += step) {
        ByteBuf in = input(compressed, at, Math.min(compressed.length, at + step), at / step);
        ByteBuf decoded;
        try {
          decoded = d.decompress(in, alloc);
        } finally {
          in.release();
        }
        out.write(bytes(decoded));
        decoded.release();
      }
      d.close();
      assertArrayEquals(body, out.toByteArray(), "in steps of " + step);
    }
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void corruptInputIsAnErrorNamingALibraryCounter(Codecs codec) throws Exception {
    DecompressorLibrary lib = decompressor(codec);
    byte[] good = codec.referenceCompress(Codecs.text(10_000, 4));
    byte[] bad = good.clone();
    for (int i = 12; i < bad.length - 12; i += 3) {
      bad[i] ^= 0x5a;
    }
    StreamDecompressor d = lib.newDecompressor();
    ByteBuf in = input(bad, 0, bad.length, 0);
    DecompressionException e = assertThrows(DecompressionException.class, () -> d.decompress(in, alloc));
    in.release();
    d.close();
    assertTrue(lib.errorStats().contains(e.stat()), e.stat());
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void aChunkInflatingBeyondTheRatioIsRefused(Codecs codec) throws Exception {
    DecompressorLibrary lib = decompressor(codec);
    byte[] bomb = codec.referenceCompress(new byte[20 << 20]);
    StreamDecompressor d = lib.newDecompressor();
    ByteBuf in = input(bomb, 0, bomb.length, 1);
    DecompressionException e = assertThrows(DecompressionException.class, () -> d.decompress(in, alloc));
    in.release();
    d.close();
    assertTrue(e.getMessage().contains("excessive decompression ratio"), e.getMessage());
    assertTrue(lib.errorStats().contains(e.stat()), e.stat());
  }
}
