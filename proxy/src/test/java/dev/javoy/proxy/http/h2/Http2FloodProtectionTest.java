package dev.javoy.proxy.http.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Envoy's frame limits on raw bytes, frames split anywhere across reads. */
class Http2FloodProtectionTest {
  private final StatsStore store = new StatsStore();
  private final Http2CodecStats stats = Http2CodecStats.downstream(store);

  private EmbeddedChannel channel() throws Exception {
    Http2ProtocolConfig cfg = Http2ProtocolConfig.create(Http2ProtocolOptions.getDefaultInstance(), "p", false);
    return new EmbeddedChannel(new Http2FloodProtection(cfg, stats, true, 60 * 1024));
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[2] = (byte) payload.length;
    f[1] = (byte) (payload.length >>> 8);
    f[0] = (byte) (payload.length >>> 16);
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} one byte per read; returns how many bytes got through. */
  private static int feedBytewise(EmbeddedChannel ch, byte[] bytes) {
    int through = 0;
    for (byte b : bytes) {
      if (!ch.isOpen()) {
        break;
      }
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
      ByteBuf in;
      while ((in = ch.readInbound()) != null) {
        through += in.readableBytes();
        in.release();
      }
    }
    return through;
  }

  @Test
  void wellFormedTrafficPassesUntouched() throws Exception {
    EmbeddedChannel ch = channel();
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = concat(preface, frame(0x4, 0, 0, new byte[0]),
        frame(0x1, 0x4, 1, new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84}),
        frame(0x0, 0x8, 1, new byte[] {2, 'h', 'i', 0, 0}), // padded DATA with payload
        frame(0x0, 0x1, 1, new byte[0])); // empty DATA that ends the stream is fine
    assertEquals(bytes.length, feedBytewise(ch, bytes));
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void secondConsecutiveEmptyDataFrameCloses() throws Exception {
    EmbeddedChannel ch = channel();
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] emptyPadded = frame(0x0, 0x8, 1, new byte[] {3, 0, 0, 0}); // padding only: empty
    feedBytewise(ch, concat(preface, frame(0x1, 0x4, 1, new byte[] {(byte) 0x82}), emptyPadded, emptyPadded));
    assertFalse(ch.isOpen());
    assertEquals(1, stats.inboundEmptyFramesFlood.value());
    ch.finishAndReleaseAll();
  }

  @Test
  void rstStreamCountedBothWays() throws Exception {
    EmbeddedChannel ch = channel();
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    feedBytewise(ch, concat(preface, frame(0x3, 0, 1, new byte[4])));
    assertEquals(1, stats.rxReset.value());
    ch.writeOutbound(Unpooled.wrappedBuffer(frame(0x3, 0, 3, new byte[4])));
    ch.writeOutbound(Unpooled.wrappedBuffer(frame(0x7, 0, 0, new byte[8])));
    assertEquals(1, stats.txReset.value());
    assertEquals(1, stats.goawaySent.value());
    assertEquals(0, stats.outboundFramesActive.value(), "written frames are no longer queued");
    ch.finishAndReleaseAll();
  }

  @Test
  void protocolErrorResetsAreReportedAsInvalidMessaging() throws Exception {
    Http2ProtocolConfig cfg = Http2ProtocolConfig.create(Http2ProtocolOptions.getDefaultInstance(), "p", false);
    Http2FloodProtection guard = new Http2FloodProtection(cfg, stats, true, 60 * 1024);
    int[] reported = new int[1];
    guard.onStreamProtocolError(() -> reported[0]++);
    EmbeddedChannel ch = new EmbeddedChannel(guard);
    byte[] protocolError = frame(0x3, 0, 1, new byte[] {0, 0, 0, 1});
    byte[] cancel = frame(0x3, 0, 3, new byte[] {0, 0, 0, 8});
    byte[] both = concat(protocolError, cancel);
    // split inside the first error code: the scanner must still read it whole
    ch.writeOutbound(Unpooled.wrappedBuffer(both, 0, 11), Unpooled.wrappedBuffer(both, 11, both.length - 11));
    ch.runPendingTasks();
    assertEquals(1, reported[0]);
    assertEquals(2, stats.txReset.value());
    ch.finishAndReleaseAll();
  }

  @Test
  void queuedControlFramesOverTheLimitClose() throws Exception {
    EmbeddedChannel ch = channel();
    ch.config().setAutoRead(true);
    byte[] pingAck = frame(0x6, 0x1, 0, new byte[8]);
    for (int i = 0; i < 1001 && ch.isOpen(); i++) {
      ch.write(Unpooled.wrappedBuffer(pingAck)); // written, never flushed: queued
    }
    assertFalse(ch.isOpen());
    assertEquals(1, stats.outboundControlFlood.value());
    assertNull(ch.readOutbound());
    ch.finishAndReleaseAll();
  }
}
