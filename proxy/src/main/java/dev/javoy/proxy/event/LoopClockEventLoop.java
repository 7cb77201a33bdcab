package dev.javoy.proxy.event;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;

/**
 * Netty's I/O event loop that starts a new {@link LoopClock} turn before each wait for I/O, so the clock is read
 * once per wake-up (at the first {@link LoopClock} call after it) instead of at every call. The turn's cached time
 * serves the ready events and the tasks that run after them.
 */
public final class LoopClockEventLoop extends SingleThreadIoEventLoop {
  private LoopClockThread clockThread;

  public LoopClockEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
    super(parent, executor, ioHandlerFactory);
  }

  @Override
  protected int runIo() {
    LoopClockThread t = clockThread;
    if (t == null && Thread.currentThread() instanceof LoopClockThread c) {
      t = clockThread = c;
    }
    if (t != null) {
      t.newTurn();
    }
    return super.runIo();
  }
}
