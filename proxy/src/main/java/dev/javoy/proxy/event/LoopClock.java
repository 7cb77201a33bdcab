package dev.javoy.proxy.event;

/**
 * The event loop's approximate time (Envoy's {@code Dispatcher::approximateMonotonicTime()}, nginx's cached
 * {@code ngx_current_msec}): on a worker loop thread the clock is read at most once per loop turn, at the first call
 * after the loop woke up, and every later call in that turn gets the same value; elsewhere (the main loop, gRPC,
 * tests) each call reads the clock.
 *
 * <p>For what needs loop-turn precision only: timer arming (Envoy's timers, libevent's, use the loop's cached time
 * too), idle-activity stamps, stream timings reported in ms. A figure finer than one loop turn reads
 * {@link System#nanoTime()} itself. {@link #nanoTime()} values are {@link System#nanoTime()} values (same origin).
 */
public final class LoopClock {
  private LoopClock() {
  }

  /** {@link System#nanoTime()} as of this loop turn. */
  public static long nanoTime() {
    return Thread.currentThread() instanceof LoopClockThread t ? t.loopNanoTime() : System.nanoTime();
  }

  /** {@link System#currentTimeMillis()} as of this loop turn. */
  public static long currentTimeMillis() {
    return Thread.currentThread() instanceof LoopClockThread t ? t.loopTimeMillis() : System.currentTimeMillis();
  }
}
