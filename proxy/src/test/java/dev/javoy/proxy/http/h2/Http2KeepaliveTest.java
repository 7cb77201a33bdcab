package dev.javoy.proxy.http.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import io.envoyproxy.envoy.type.v3.Percent;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2PingFrame;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code connection_keepalive}: PING every interval; no ACK within the timeout aborts the connection. */
class Http2KeepaliveTest {
  private final Http2CodecStats stats = Http2CodecStats.downstream(new StatsStore());

  private Http2Keepalive keepalive() throws Exception {
    Http2ProtocolConfig cfg = Http2ProtocolConfig.create(Http2ProtocolOptions.newBuilder().setConnectionKeepalive(
        KeepaliveSettings.newBuilder().setInterval(Duration.newBuilder().setSeconds(10))
            .setTimeout(Duration.newBuilder().setSeconds(2)).setIntervalJitter(Percent.newBuilder().setValue(0)))
        .build(), "p", false);
    return new Http2Keepalive(cfg, stats);
  }

  @Test
  void ackedPingsKeepTheConnection() throws Exception {
    Http2Keepalive k = keepalive();
    EmbeddedChannel ch = new EmbeddedChannel(k);
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    Http2PingFrame ping = ch.readOutbound();
    assertFalse(ping.ack());
    k.onPingAck(ping.content());
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    assertNull(ch.readOutbound(), "the next PING waits for the next interval");
    ch.finishAndReleaseAll();
  }

  @Test
  void missingAckAbortsUnlessBytesArrive() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(keepalive());
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.readOutbound() instanceof Http2PingFrame);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1})); // traffic extends the wait once
    ch.releaseInbound();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertFalse(ch.isOpen());
    assertEquals(1, stats.keepaliveTimeout.value());
    ch.finishAndReleaseAll();
  }
}
