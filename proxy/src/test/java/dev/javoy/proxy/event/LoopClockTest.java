package dev.javoy.proxy.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopClockTest {
  private LoopClockEventLoopGroup group;
  private EventLoop loop;

  @BeforeEach
  void start() {
    AtomicInteger n = new AtomicInteger();
    group = new LoopClockEventLoopGroup(1, r -> new LoopClockThread(r, "clock-" + n.getAndIncrement()),
        NioIoHandler.newFactory());
    loop = group.next();
  }

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  @Test
  void oneTurnReadsTheClockOnce() throws Exception {
    long[] t = loop.submit(() -> {
      long a = LoopClock.nanoTime();
      long am = LoopClock.currentTimeMillis();
      Thread.sleep(5);
      return new long[] {a, LoopClock.nanoTime(), am, LoopClock.currentTimeMillis()};
    }).get(10, TimeUnit.SECONDS);
    assertEquals(t[0], t[1], "the same turn: the same time");
    assertEquals(t[2], t[3]);
  }

  @Test
  void aNewTurnReadsTheClockAgain() throws Exception {
    long before = System.nanoTime();
    long first = loop.submit(LoopClock::nanoTime).get(10, TimeUnit.SECONDS);
    Thread.sleep(20); // the loop waits for I/O, then wakes up for the next task: a new turn
    long second = loop.submit(LoopClock::nanoTime).get(10, TimeUnit.SECONDS);
    long after = System.nanoTime();
    assertTrue(first >= before && first <= after, "System.nanoTime's origin");
    assertTrue(second - first >= TimeUnit.MILLISECONDS.toNanos(20), "read again after the wake-up");
    assertTrue(second <= after);
    long firstMs = loop.submit(LoopClock::currentTimeMillis).get(10, TimeUnit.SECONDS);
    Thread.sleep(20);
    long secondMs = loop.submit(LoopClock::currentTimeMillis).get(10, TimeUnit.SECONDS);
    assertTrue(secondMs - firstMs >= 19, secondMs - firstMs + " ms");
  }

  @Test
  void theWallClockFollowsTheRealOne() throws Exception {
    for (int i = 0; i < 8; i++) { // across a resync (1 s)
      long before = System.currentTimeMillis();
      long loopMs = loop.submit(LoopClock::currentTimeMillis).get(10, TimeUnit.SECONDS);
      long after = System.currentTimeMillis();
      assertTrue(loopMs >= before - 5 && loopMs <= after + 5, before + " <= " + loopMs + " <= " + after);
      Thread.sleep(200);
    }
  }

  @Test
  void otherThreadsReadTheClockEveryTime() throws Exception {
    long a = LoopClock.nanoTime();
    Thread.sleep(2);
    long b = LoopClock.nanoTime();
    assertTrue(b - a >= TimeUnit.MILLISECONDS.toNanos(2));
    long now = System.currentTimeMillis();
    assertTrue(Math.abs(LoopClock.currentTimeMillis() - now) < 1000);
  }

  @Test
  void timersStillFireOnTime() throws Exception {
    // a DeadlineQueue armed from the loop (the turn's cached time) expires after its timeout, not before
    long[] fired = new long[1];
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    long[] armedAt = new long[1];
    loop.execute(() -> {
      DeadlineQueue q = DeadlineQueue.of(loop, 100);
      armedAt[0] = System.nanoTime();
      q.arm(new DeadlineQueue.Entry() {
        @Override
        protected void onDeadline() {
          fired[0] = System.nanoTime();
          done.countDown();
        }
      });
    });
    assertTrue(done.await(10, TimeUnit.SECONDS));
    long ms = TimeUnit.NANOSECONDS.toMillis(fired[0] - armedAt[0]);
    assertTrue(ms >= 95 && ms < 5000, ms + " ms");
  }
}
