package dev.javoy.proxy.event;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Netty's I/O event loop group whose loops are {@link LoopClockEventLoop}s; give it a thread factory that makes
 * {@link LoopClockThread}s (other threads read the clock at every {@link LoopClock} call).
 */
public final class LoopClockEventLoopGroup extends MultiThreadIoEventLoopGroup {
  public LoopClockEventLoopGroup(int nThreads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
    super(nThreads, threadFactory, ioHandlerFactory);
  }

  @Override
  protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
    return new LoopClockEventLoop(this, executor, ioHandlerFactory);
  }
}
