package dev.javoy.proxy.event;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * A thread that runs a {@link LoopClockEventLoop}: it holds that loop's cached clock values for {@link LoopClock}.
 * Only this thread reads or writes them (no synchronization).
 */
public class LoopClockThread extends FastThreadLocalThread {
  private long nanos;
  private boolean nanosFresh;
  private long millis;
  private boolean millisFresh;

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

  final long loopTimeMillis() {
    if (millisFresh) {
      return millis;
    }
    long m = System.currentTimeMillis();
    millis = m;
    millisFresh = true;
    return m;
  }
}
