package dev.javoy.proxy.network;

import dev.javoy.proxy.event.LoopClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's idle timeout (the HCM's and a cluster's {@code idle_timeout}): fires Netty's
 * {@link IdleStateEvent} (all-idle) when nothing was read or written for the timeout, like
 * {@code new IdleStateHandler(0, 0, timeout)}, but without Netty's per-write cost: Netty's handler turns every
 * void write promise into a real one with a listener (two objects per write); this one notes the time of each
 * read and write and keeps one timer per connection, re-armed lazily when it fires early.
 *
 * <p>It is an {@link IdleStateHandler} (with Netty's own timeouts off) so that code finding or removing
 * {@code IdleStateHandler.class} in a pipeline finds this one too. Activity counts when a write is issued rather
 * than when it completes.
 */
public final class ConnectionIdleTimeout extends IdleStateHandler implements Runnable {
  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private long lastActivityNanos;
  private boolean first = true;
  private boolean stopped;

  public ConnectionIdleTimeout(long timeoutMillis) {
    super(0, 0, 0, TimeUnit.MILLISECONDS);
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    this.ctx = ctx;
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start();
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.handlerRemoved(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    lastActivityNanos = LoopClock.nanoTime();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    lastActivityNanos = LoopClock.nanoTime();
    ctx.write(msg, promise);
  }

  private void start() {
    if (timer != null || stopped) {
      return;
    }
    lastActivityNanos = LoopClock.nanoTime();
    timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The timer: idle long enough fires the event (and re-arms for another period), else waits for the rest. */
  @Override
  public void run() {
    if (stopped || !ctx.channel().isOpen()) {
      return;
    }
    long idle = System.nanoTime() - lastActivityNanos;
    if (idle >= timeoutNanos) {
      timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
      IdleStateEvent event = first ? IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT : IdleStateEvent.ALL_IDLE_STATE_EVENT;
      first = false;
      ctx.fireUserEventTriggered(event);
    } else {
      first = true; // activity since the last event: the next one is a first again, as Netty's
      timer = ctx.executor().schedule(this, timeoutNanos - idle, TimeUnit.NANOSECONDS);
    }
  }
}
