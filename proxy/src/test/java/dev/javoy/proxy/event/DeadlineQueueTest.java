package dev.javoy.proxy.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {
  private final EventLoop loop = new DefaultEventLoop();

  @AfterEach
  void stop() throws Exception {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private static final class Probe extends DeadlineQueue.Entry {
    final String name;
    final List<String> fired;
    final long armedAt = System.nanoTime();
    volatile long firedAt;

    Probe(String name, List<String> fired) {
      this.name = name;
      this.fired = fired;
    }

    @Override
    protected void onDeadline() {
      firedAt = System.nanoTime();
      fired.add(name);
    }
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> c) throws Exception {
    return loop.submit(c).get(10, TimeUnit.SECONDS);
  }

  @Test
  void entriesExpireInOrderAndCancelledOnesNever() throws Exception {
    List<String> fired = new CopyOnWriteArrayList<>();
    Probe a = new Probe("a", fired);
    Probe b = new Probe("b", fired);
    Probe c = new Probe("c", fired);
    onLoop(() -> {
      DeadlineQueue q = DeadlineQueue.of(loop, 200);
      q.arm(a);
      q.arm(b);
      q.arm(c);
      a.cancelDeadline(); // the head goes: the scheduled task stays and moves on to b
      return null;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fired.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("b", "c"), fired);
    assertFalse(onLoop(a::deadlineArmed));
    assertFalse(onLoop(b::deadlineArmed));
    assertTrue(b.firedAt - b.armedAt >= TimeUnit.MILLISECONDS.toNanos(200));
  }

  @Test
  void rearmPushesTheDeadlineBack() throws Exception {
    List<String> fired = new CopyOnWriteArrayList<>();
    Probe a = new Probe("a", fired);
    Probe b = new Probe("b", fired);
    onLoop(() -> {
      DeadlineQueue q = DeadlineQueue.of(loop, 300);
      q.arm(a);
      q.arm(b);
      return null;
    });
    Thread.sleep(150);
    long rearmedAt = System.nanoTime();
    onLoop(() -> {
      DeadlineQueue.of(loop, 300).rearm(a); // a now expires after b
      return null;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fired.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("b", "a"), fired);
    assertTrue(a.firedAt - rearmedAt >= TimeUnit.MILLISECONDS.toNanos(300));
  }

  @Test
  void oneQueuePerLoopAndTimeout() throws Exception {
    assertSame(onLoop(() -> DeadlineQueue.of(loop, 1000)), onLoop(() -> DeadlineQueue.of(loop, 1000)));
    assertFalse(onLoop(() -> DeadlineQueue.of(loop, 1000) == DeadlineQueue.of(loop, 2000)));
  }

  @Test
  void anEntryArmedFromItsOwnDeadlineFiresAgain() throws Exception {
    List<String> fired = new CopyOnWriteArrayList<>();
    DeadlineQueue.Entry e = new DeadlineQueue.Entry() {
      @Override
      protected void onDeadline() {
        fired.add("x");
        if (fired.size() < 3) {
          DeadlineQueue.of(loop, 50).arm(this);
        }
      }
    };
    onLoop(() -> {
      DeadlineQueue.of(loop, 50).arm(e);
      return null;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fired.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(3, fired.size());
  }
}
