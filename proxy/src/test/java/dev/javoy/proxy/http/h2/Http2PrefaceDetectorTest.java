package dev.javoy.proxy.http.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code codec_type: AUTO}: the first bytes pick the codec, and reach it intact. */
class Http2PrefaceDetectorTest {
  private final List<Boolean> chosen = new ArrayList<>();

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new Http2PrefaceDetector(new Http2PrefaceDetector.ProtocolInstaller() {
      @Override
      public void install(ChannelHandlerContext detector, boolean http2) {
        chosen.add(http2);
      }

      @Override
      public void closingBeforeData(boolean idle) {}
    }));
  }

  private static String readAll(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readInbound()) != null) {
      sb.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return sb.toString();
  }

  @Test
  void http1() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
    assertEquals(List.of(false), chosen);
    assertEquals("GET / HTTP/1.1\r\n", readAll(ch));
    assertNull(ch.pipeline().get(Http2PrefaceDetector.class));
    ch.finishAndReleaseAll();
  }

  @Test
  void prefaceSplitAcrossReads() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("PRI * H", StandardCharsets.US_ASCII));
    assertEquals(List.of(), chosen, "not enough bytes to decide");
    ch.writeInbound(Unpooled.copiedBuffer("TTP/2.0\r\n\r\nSM\r\n\r\n", StandardCharsets.US_ASCII));
    assertEquals(List.of(true), chosen);
    assertEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", readAll(ch));
    ch.finishAndReleaseAll();
  }

  @Test
  void shortHttp1PrefixDecidesOnFirstMismatch() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("P", StandardCharsets.US_ASCII));
    ch.writeInbound(Unpooled.copiedBuffer("OST /x HTTP/1.1\r\n", StandardCharsets.US_ASCII));
    assertEquals(List.of(false), chosen);
    assertEquals("POST /x HTTP/1.1\r\n", readAll(ch));
    ch.finishAndReleaseAll();
  }
}
