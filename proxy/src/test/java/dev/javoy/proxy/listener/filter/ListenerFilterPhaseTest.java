package dev.javoy.proxy.listener.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.listener.ListenerStats;
import dev.javoy.proxy.stats.StatsStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListenerFilterPhaseTest {
  private final ListenerStats stats = new ListenerStats(new StatsStore().scope("listener.test."));
  private final List<String> proceeded = new ArrayList<>();
  private ListenerFilterContext done;

  /** Waits for {@code n} bytes, then takes them as the server name; rejects on a leading '!'. */
  static final class FirstBytes implements ListenerFilter {
    final int n;
    int calls;

    FirstBytes(int n) {
      this.n = n;
    }

    @Override
    public Status onAccept(ListenerFilterContext c) {
      return Status.STOP_ITERATION;
    }

    @Override
    public Status onData(ListenerFilterContext c, ByteBuf peeked) {
      calls++;
      if (peeked.getByte(peeked.readerIndex()) == '!') {
        c.reject();
        return Status.STOP_ITERATION;
      }
      if (peeked.readableBytes() < n) {
        peeked.skipBytes(peeked.readableBytes()); // must not consume: the phase restores the indexes
        return Status.STOP_ITERATION;
      }
      c.setServerName(peeked.toString(peeked.readerIndex(), n, StandardCharsets.US_ASCII));
      return Status.CONTINUE;
    }

    @Override
    public int maxReadBytes() {
      return 64;
    }
  }

  private ListenerFilterContext context(EmbeddedChannel ch, int port) {
    return new ListenerFilterContext(ch, new InetSocketAddress("127.0.0.1", port),
        new InetSocketAddress("127.0.0.1", 40000));
  }

  private void run(EmbeddedChannel ch, ListenerFilters filters, ListenerFilterContext c) {
    ListenerFilterPhase.run(ch, filters, c, null, stats, (ctx, bytes) -> {
      done = ctx;
      proceeded.add(bytes == null ? "" : bytes.toString(StandardCharsets.US_ASCII));
      if (bytes != null) {
        bytes.release();
      }
    });
  }

  private static ListenerFilters filters(long timeoutMillis, boolean continueOnTimeout, ListenerFilter... fs) {
    List<ListenerFilters.Entry> entries = new ArrayList<>();
    for (ListenerFilter f : fs) {
      entries.add(new ListenerFilters.Entry("test", f, null));
    }
    return new ListenerFilters(entries, timeoutMillis, continueOnTimeout);
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void bytesSplitOverReadsAreInspectedWithoutBeingConsumed() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    FirstBytes f = new FirstBytes(11);
    run(ch, filters(15_000, false, f), context(ch, 80));
    assertEquals(1, stats.downstreamPreCxActive.value());
    ch.writeInbound(bytes("hello"));
    ch.writeInbound(bytes(" wor"));
    assertTrue(proceeded.isEmpty());
    ch.writeInbound(bytes("ld and more"));
    assertEquals(List.of("hello world and more"), proceeded);
    assertEquals("hello world", done.serverName());
    assertEquals(3, f.calls);
    assertEquals(0, stats.downstreamPreCxActive.value());
    assertNull(ch.pipeline().get(ListenerFilterPhase.class), "the phase leaves the pipeline");
    assertTrue(ch.isOpen());
  }

  @Test
  void filtersThatNeedNoBytesRunAtOnce() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    ListenerFilter restore = c -> {
      c.restoreLocalAddress(new InetSocketAddress("10.0.0.1", 8080));
      return ListenerFilter.Status.CONTINUE;
    };
    run(ch, filters(15_000, false, restore), context(ch, 15001));
    assertEquals(List.of(""), proceeded);
    assertTrue(done.localAddressRestored());
    assertEquals(new InetSocketAddress("10.0.0.1", 8080), done.localAddress());
  }

  @Test
  void rejectionClosesAndCountsAnError() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    run(ch, filters(15_000, false, new FirstBytes(4)), context(ch, 80));
    ch.writeInbound(bytes("!bad"));
    assertFalse(ch.isOpen());
    assertTrue(proceeded.isEmpty());
    assertEquals(1, stats.downstreamListenerFilterError.value());
    assertEquals(0, stats.downstreamPreCxActive.value());
  }

  @Test
  void aFilterWantingMoreThanItsMaximumIsAnError() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    run(ch, filters(15_000, false, new FirstBytes(1000)), context(ch, 80));
    ch.writeInbound(bytes("x".repeat(64)));
    assertFalse(ch.isOpen());
    assertEquals(1, stats.downstreamListenerFilterError.value());
  }

  @Test
  void timeoutClosesTheConnection() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    run(ch, filters(1000, false, new FirstBytes(4)), context(ch, 80));
    ch.writeInbound(bytes("ab"));
    ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertFalse(ch.isOpen());
    assertTrue(proceeded.isEmpty());
    assertEquals(1, stats.downstreamPreCxTimeout.value());
    assertEquals(0, stats.downstreamPreCxActive.value());
  }

  @Test
  void timeoutWithContinueGoesOnWithWhatWasRead() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    run(ch, filters(1000, true, new FirstBytes(4)), context(ch, 80));
    ch.writeInbound(bytes("ab"));
    ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    assertEquals(List.of("ab"), proceeded);
    assertEquals("", done.serverName());
    assertEquals(1, stats.downstreamPreCxTimeout.value());
  }

  @Test
  void zeroTimeoutWaitsForever() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    run(ch, filters(0, false, new FirstBytes(4)), context(ch, 80));
    ch.advanceTimeBy(1, TimeUnit.HOURS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    ch.writeInbound(bytes("abcd"));
    assertEquals(List.of("abcd"), proceeded);
  }

  @Test
  void remoteCloseDuringInspectionIsCounted() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    run(ch, filters(15_000, false, new FirstBytes(4)), context(ch, 80));
    ch.writeInbound(bytes("a"));
    ch.close();
    assertEquals(1, stats.downstreamListenerFilterRemoteClose.value());
    assertEquals(0, stats.downstreamPreCxActive.value());
  }

  @Test
  void filterDisabledByDestinationPortRangeIsSkipped() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    ListenerFilterMatcher ports = new ListenerFilterMatcher.DestinationPortRange(80, 81);
    ListenerFilters fs = new ListenerFilters(List.of(new ListenerFilters.Entry("t", new FirstBytes(4), ports)),
        15_000, false);
    run(ch, fs, context(ch, 80));
    assertEquals(List.of(""), proceeded, "disabled on port 80: nothing to wait for");
    EmbeddedChannel other = new EmbeddedChannel();
    run(other, fs, context(other, 81));
    assertEquals(1, proceeded.size(), "enabled on port 81 (the range end is exclusive)");
    assertNotNull(other.pipeline().get(ListenerFilterPhase.class));
  }

  @Test
  void matcherCombinations() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // timers run on the test's clock only: a slow machine must not fire them early
    ListenerFilterContext c = context(ch, 443);
    var p443 = new ListenerFilterMatcher.DestinationPortRange(443, 444);
    var p80 = new ListenerFilterMatcher.DestinationPortRange(80, 81);
    assertTrue(new ListenerFilterMatcher.Any().matches(c));
    assertTrue(new ListenerFilterMatcher.Or(List.of(p80, p443)).matches(c));
    assertFalse(new ListenerFilterMatcher.And(List.of(p80, p443)).matches(c));
    assertTrue(new ListenerFilterMatcher.Not(p80).matches(c));
  }
}
