package dev.javoy.proxy.http.router;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stream's route timers: the route's {@code idle_timeout}, reset by every request or response event, and the
 * stream's maximum duration ({@code max_stream_duration} or a capped {@code grpc-timeout}), counted from the
 * stream's start. Activity only records a time; the idle timer, when it fires early, re-arms itself for what
 * is left. On expiry the stream ends as Envoy ends it: "stream timeout" with flag SI for the idle timeout,
 * "downstream duration timeout" for the duration. Event loop thread only.
 */
final class RouteTimers {
  /** What a stream without route timers uses: every call does nothing. */
  static final RouteTimers NONE = new RouteTimers(null, null);

  /** Ends the stream on a timeout, as a local reply with this body, flag (or null) and details. */
  interface Expiry {
    void onTimeout(String body, ResponseFlag flag, String details);
  }

  private final EventLoop loop;
  private final Expiry expiry;
  private long idleNanos;
  private long lastActivityNanos;
  private ScheduledFuture<?> idle;
  private ScheduledFuture<?> maxDuration;

  RouteTimers(EventLoop loop, Expiry expiry) {
    this.loop = loop;
    this.expiry = expiry;
  }

  /**
   * @param idleMillis the idle timeout (0 or less: none)
   * @param maxDurationMillis the stream's maximum duration (-1: none)
   * @param streamStartNanos when the stream started ({@link System#nanoTime()})
   */
  void start(long idleMillis, long maxDurationMillis, long streamStartNanos) {
    long now = LoopClock.nanoTime();
    if (idleMillis > 0) {
      idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
      lastActivityNanos = now;
      idle = loop.schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
    }
    if (maxDurationMillis >= 0) {
      long left = TimeUnit.MILLISECONDS.toNanos(maxDurationMillis) - (now - streamStartNanos);
      maxDuration = loop.schedule(this::fireMaxDuration, Math.max(left, 0), TimeUnit.NANOSECONDS);
    }
  }

  /** A request or response event: the idle timer starts over. */
  void activity() {
    if (idle != null) {
      lastActivityNanos = LoopClock.nanoTime();
    }
  }

  void cancel() {
    if (idle != null) {
      idle.cancel(false);
      idle = null;
    }
    if (maxDuration != null) {
      maxDuration.cancel(false);
      maxDuration = null;
    }
  }

  private void checkIdle() {
    if (idle == null) {
      return;
    }
    long left = idleNanos - (System.nanoTime() - lastActivityNanos);
    if (left > 0) {
      idle = loop.schedule(this::checkIdle, left, TimeUnit.NANOSECONDS);
      return;
    }
    idle = null;
    expiry.onTimeout("stream timeout", ResponseFlag.STREAM_IDLE_TIMEOUT, "stream_idle_timeout");
  }

  private void fireMaxDuration() {
    if (maxDuration == null) {
      return;
    }
    maxDuration = null;
    expiry.onTimeout("downstream duration timeout", null, "max_duration_timeout");
  }
}
