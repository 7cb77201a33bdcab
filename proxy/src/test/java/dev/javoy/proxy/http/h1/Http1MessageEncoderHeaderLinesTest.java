package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1MessageEncoderHeaderLinesTest {
  private static FlatHttpHeaders headers(int valueLength) {
    FlatHttpHeaders h = new FlatHttpHeaders();
    h.add("content-type", "text/plain");
    h.add("x-big", "v".repeat(valueLength));
    TrustedHeaders.add(h, EnvoyHeaderNames.X_REQUEST_ID, new UuidHeaderValue(1, 2));
    byte[] head = java.util.Arrays.copyOf("x-span: abc".getBytes(StandardCharsets.ISO_8859_1),
        11 + FlatHttpHeaders.spanRoom(1)); // the span table after the head
    h.decodingFrom(head, 11, 1);
    h.addDecoded("x-span", head, 8, 3);
    return h;
  }

  private static String viaBuffer(FlatHttpHeaders h) {
    ByteBuf b = Unpooled.buffer();
    Http1MessageEncoder.writeHeaders(h, b);
    b.writeShort(('\r' << 8) | '\n');
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void linesInTheScratchArrayAreWhatTheBufferPathWrites() {
    FlatHttpHeaders h = headers(100);
    byte[] d = new byte[HeadScratch.MAX];
    int n = Http1MessageEncoder.headerLines(h, d);
    String lines = new String(d, 0, n, StandardCharsets.ISO_8859_1);
    assertEquals(viaBuffer(h), lines);
    assertTrue(lines.contains("x-request-id: 00000000-0000-0001-0000-000000000002\r\n"), lines);
    assertTrue(lines.endsWith("x-span: abc\r\n\r\n"), lines);
  }

  @Test
  void linesThatDoNotFitAreLeftToTheBuffer() {
    assertEquals(-1, Http1MessageEncoder.headerLines(headers(HeadScratch.MAX), new byte[HeadScratch.MAX]));
    // exactly full: the last line and the empty line end at the array's end
    FlatHttpHeaders h = headers(10);
    int fits = Http1MessageEncoder.headerLines(h, new byte[HeadScratch.MAX]);
    byte[] exact = new byte[fits];
    assertEquals(fits, Http1MessageEncoder.headerLines(h, exact));
    assertEquals(-1, Http1MessageEncoder.headerLines(h, new byte[fits - 1]));
  }

  @Test
  void everyArraySizeEitherHoldsTheWholeLinesOrNone() {
    for (int big : new int[] {0, 1, 7, 100}) {
      FlatHttpHeaders h = headers(big);
      String want = viaBuffer(h);
      for (int size = 0; size <= want.length() + 3; size++) {
        byte[] d = new byte[size];
        int n = Http1MessageEncoder.headerLines(h, d);
        if (size < want.length()) {
          assertEquals(-1, n, "size " + size);
        } else {
          assertEquals(want, new String(d, 0, n, StandardCharsets.ISO_8859_1), "size " + size);
        }
      }
    }
  }

  @Test
  void aHeadLargerThanTheScratchArrayStillGoesOutWhole() {
    EmbeddedChannel ch = new EmbeddedChannel(new Http1ResponseEncoder());
    DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.EMPTY_BUFFER, headers(HeadScratch.MAX + 100), new FlatHttpHeaders());
    r.headers().set("content-length", "0");
    ch.writeOutbound(r);
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    String s = out.toString();
    assertTrue(s.startsWith("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-big: vvv"), s.substring(0, 60));
    assertTrue(s.endsWith("x-span: abc\r\ncontent-length: 0\r\n\r\n"), s.substring(s.length() - 80));
    assertEquals(HeadScratch.MAX + 100, s.indexOf("\r\nx-request-id") - s.indexOf("x-big: ") - 7);
    ch.finishAndReleaseAll();
  }
}
