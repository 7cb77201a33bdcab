package dev.javoy.filters.http.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseRateLimitTest {
  private final StatsStore stats = new StatsStore();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private FaultFilterConfig config(FaultRateLimit.Builder rl) throws Exception {
    return new FaultFilterConfig(FaultSettings.of(HTTPFault.newBuilder().setResponseRateLimit(rl).build(), ""),
        "http.test.", stats, clock::get);
  }

  private static FaultRateLimit.Builder fixed(long kbps) {
    return FaultRateLimit.newBuilder().setFixedLimit(FaultRateLimit.FixedLimit.newBuilder().setLimitKbps(kbps))
        .setPercentage(FaultFilterTest.pct(100));
  }

  private static ByteBuf bytes(int n) {
    return Unpooled.wrappedBuffer(new byte[n]);
  }

  private void tick(FakeFilterCallbacks cb, long millis) {
    clock.addAndGet(millis * 1_000_000);
    cb.advance(millis);
  }

  @Test
  void pacesTheBodyInFiftyMillisecondSlices() throws Exception {
    FaultFilterConfig cfg = config(fixed(1)); // 1 KiB/s: 51 bytes a slice
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(cb);
    assertEquals(FilterStatus.CONTINUE, f.decodeHeaders(FaultFilterTest.request(), true));
    assertEquals(1, stats.counter("http.test.fault.response_rl_injected").value());
    ByteBuf first = bytes(100);
    assertEquals(FilterStatus.STOP_ITERATION_NO_BUFFER, f.encodeData(new DefaultHttpContent(first), false));
    first.release(); // what the connection manager does after a non-CONTINUE
    assertEquals(51, cb.encodedBody.readableBytes(), "the first slice goes at once");
    f.encodeData(new DefaultLastHttpContent(bytes(100)), true);
    assertEquals(51, cb.encodedBody.readableBytes());
    tick(cb, 50);
    assertEquals(102, cb.encodedBody.readableBytes());
    tick(cb, 50);
    assertEquals(153, cb.encodedBody.readableBytes());
    assertFalse(cb.encodedEnd, "47 bytes still wait");
    tick(cb, 50);
    assertEquals(200, cb.encodedBody.readableBytes());
    assertTrue(cb.encodedEnd);
    assertEquals(4, cb.encodedDataCalls);
    f.onDestroy();
    assertEquals(0, cfg.activeFaults.value());
  }

  @Test
  void pausesTheSourceAboveTheBufferLimitAndReleasesOnDestroy() throws Exception {
    FaultFilterConfig cfg = config(fixed(1));
    FakeFilterCallbacks cb = new FakeFilterCallbacks(new EmbeddedChannel(), 100);
    HttpFilter f = cfg.newFilter(cb);
    f.decodeHeaders(FaultFilterTest.request(), true);
    ByteBuf big = bytes(300);
    f.encodeData(new DefaultHttpContent(big), false);
    big.release();
    assertEquals(List.of(false), cb.responseSourceReading);
    assertEquals(1, big.refCnt(), "the waiting part is held");
    f.onDestroy();
    assertEquals(0, big.refCnt(), "released on destroy");
    cb.advance(1000);
    assertEquals(51, cb.encodedBody.readableBytes(), "no timer after destroy");
  }

  @Test
  void headerLimitAppliesOnlyWithTheHeader() throws Exception {
    FaultFilterConfig cfg = config(FaultRateLimit.newBuilder()
        .setHeaderLimit(FaultRateLimit.HeaderLimit.getDefaultInstance()).setPercentage(FaultFilterTest.pct(100)));
    FakeFilterCallbacks without = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(without);
    f.decodeHeaders(FaultFilterTest.request(), true);
    assertEquals(FilterStatus.CONTINUE, f.encodeData(new DefaultHttpContent(bytes(10)), false));

    FakeFilterCallbacks with = new FakeFilterCallbacks();
    HttpFilter g = cfg.newFilter(with);
    g.decodeHeaders(FaultFilterTest.request("x-envoy-fault-throughput-response", "2"), true);
    ByteBuf b = bytes(500);
    assertEquals(FilterStatus.STOP_ITERATION_NO_BUFFER, g.encodeData(new DefaultLastHttpContent(b), true));
    b.release();
    assertEquals(102, with.encodedBody.readableBytes()); // 2 KiB/s: 102 bytes a slice
    g.onDestroy();
  }
}
