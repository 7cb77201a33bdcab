package dev.javoy.filters.compression.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.filters.compression.Codecs;
import dev.javoy.filters.compression.DecompressionException;
import dev.javoy.filters.compression.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gzip member framing: optional header fields, the trailer checks, what follows a member. */
class GzipFramingTest {
  private final TrackingAllocator alloc = new TrackingAllocator(false);

  @AfterEach
  void noLeaks() {
    alloc.assertAllReleased();
  }

  /** A gzip member with every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC). */
  private static byte[] memberWithAllHeaderFields(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 1, 2, 3, 4, 0, 3});
    out.writeBytes(new byte[] {5, 0, 'a', 'b', 'c', 'd', 'e'});
    out.writeBytes("name.txt\0".getBytes());
    out.writeBytes("a comment\0".getBytes());
    out.writeBytes(new byte[] {0x12, 0x34}); // header CRC16 (not checked, as zlib does not by default)
    Deflater d = new Deflater(6, true);
    d.setInput(body);
    d.finish();
    byte[] buf = new byte[body.length + 1024];
    int n = d.deflate(buf);
    d.end();
    out.write(buf, 0, n);
    CRC32 crc = new CRC32();
    crc.update(body);
    long c = crc.getValue();
    out.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
        (byte) body.length, (byte) (body.length >> 8), (byte) (body.length >> 16), (byte) (body.length >> 24)});
    return out.toByteArray();
  }

  private byte[] inflate(byte[] data, int step) throws DecompressionException {
    GzipDecompressor d = new GzipDecompressor(4096, 100);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (int at = 0; at < data.length; at += step) {
        ByteBuf in = alloc.buffer().writeBytes(data, at, Math.min(step, data.length - at));
        try {
          ByteBuf o = d.decompress(in, alloc);
          byte[] b = new byte[o.readableBytes()];
          o.readBytes(b);
          o.release();
          out.writeBytes(b);
        } finally {
          in.release();
        }
      }
    } finally {
      d.close();
    }
    return out.toByteArray();
  }

  @Test
  void readsOptionalHeaderFieldsSplitAcrossChunks() throws Exception {
    byte[] body = Codecs.text(3000, 9);
    byte[] member = memberWithAllHeaderFields(body);
    for (int step : new int[] {1, 2, 5, 11, member.length}) {
      assertArrayEquals(body, inflate(member, step), "step " + step);
    }
  }

  @Test
  void ignoresWhatFollowsTheMember() throws Exception {
    byte[] body = Codecs.text(500, 10);
    byte[] member = Codecs.GZIP.referenceCompress(body);
    byte[] withJunk = Arrays.copyOf(member, member.length + 50);
    Arrays.fill(withJunk, member.length, withJunk.length, (byte) 0x77);
    assertArrayEquals(body, inflate(withJunk, 7));
  }

  @Test
  void checksTheTrailer() {
    byte[] member = Codecs.GZIP.referenceCompress(Codecs.text(500, 11));
    byte[] badCrc = member.clone();
    badCrc[member.length - 8] ^= 1;
    DecompressionException e = assertThrows(DecompressionException.class, () -> inflate(badCrc, 100));
    assertEquals("zlib_data_error", e.stat());
    byte[] badSize = member.clone();
    badSize[member.length - 1] ^= 1;
    assertThrows(DecompressionException.class, () -> inflate(badSize, 100));
  }

  @Test
  void refusesWhatIsNotGzip() {
    DecompressionException e = assertThrows(DecompressionException.class,
        () -> inflate("plain text, not gzip".getBytes(), 4));
    assertEquals("zlib_data_error", e.stat());
    byte[] zlibWrapped = {0x78, (byte) 0x9c, 1, 2, 3};
    assertThrows(DecompressionException.class, () -> inflate(zlibWrapped, 5));
  }
}
