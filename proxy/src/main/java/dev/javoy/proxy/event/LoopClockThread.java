package dev.javoy.proxy.event;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * A thread that runs a {@link LoopClockEventLoop}: it holds that loop's cached clock values for {@link LoopClock}.
 * Only this thread reads or writes them (no synchronization).
 */
public class LoopClockThread extends FastThreadLocalThread {
  /** How long the wall clock may be derived from the monotonic one before it is read again. */
  static final long WALL_CLOCK_RESYNC_NANOS = 1_000_000_000L;

  private long nanos;
  private boolean nanosFresh;
  private long millis;
  private boolean millisFresh;
  /** The wall clock ({@code System.currentTimeMillis()}) and the monotonic clock read together, last resync. */
  private long syncMillis;
  private long syncNanos;
  private boolean synced;

  public LoopClockThread(Runnable target, String name) {
    super(target, name);
  }

  /** The loop starts a new turn (it is about to wait for I/O): the next read reads the clock again. */
  final void newTurn() {
    nanosFresh = false;
    millisFresh = false;
  }

  final long loopNanoTime() {
    if (nanosFresh) {
      return nanos;
    }
    long n = System.nanoTime();
    nanos = n;
    nanosFresh = true;
    return n;
  }

  /**
   * The wall clock as of this turn, derived from the turn's monotonic time and the last resync (at most
   * {@link #WALL_CLOCK_RESYNC_NANOS} ago): no second clock read per turn; a step of the wall clock (NTP, an operator)
   * shows within a second, as nginx's and Envoy's cached times do.
   */
  final long loopTimeMillis() {
    if (millisFresh) {
      return millis;
    }
    long n = loopNanoTime();
    long m;
    if (!synced || n - syncNanos >= WALL_CLOCK_RESYNC_NANOS || n - syncNanos < 0) {
      m = System.currentTimeMillis();
      syncMillis = m;
      syncNanos = n;
      synced = true;
    } else {
      m = syncMillis + (n - syncNanos) / 1_000_000;
    }
    millis = m;
    millisFresh = true;
    return m;
  }
}
