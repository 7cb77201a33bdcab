package dev.javoy.filters.http.fault;

import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces one response body to a rate in KiB/s (the fault filter's {@code response_rate_limit}), as Envoy's stream
 * rate limiter: a token bucket of bytes holding one 50 ms slice, full at first, refilled with time; data beyond
 * the tokens waits for a timer on the stream's event loop. Past the connection's buffer limit of waiting data the
 * response's source is asked to pause, and to resume below half of it. The end of the stream (with any trailers)
 * goes out with the last bytes.
 */
final class ResponseRateLimiter {
  static final long SLICE_MILLIS = 50;

  private final HttpFilterCallbacks callbacks;
  private final LongSupplier clock;
  private final double bytesPerNano;
  private final long maxTokens;
  private final long highWatermark;
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private long pendingBytes;
  private double tokens;
  private long refilledAt;
  private HttpHeaders trailers;
  private boolean sawEnd;
  private boolean sourcePaused;
  private boolean destroyed;
  private ScheduledFuture<?> timer;

  /** @param clock monotonic nanoseconds */
  ResponseRateLimiter(long kbps, HttpFilterCallbacks callbacks, LongSupplier clock) {
    this.callbacks = callbacks;
    this.clock = clock;
    this.refilledAt = clock.getAsLong();
    double bytesPerSecond = Math.min(kbps, 1L << 40) * 1024.0;
    this.bytesPerNano = bytesPerSecond / 1e9;
    this.maxTokens = Math.max(1, (long) (bytesPerSecond * SLICE_MILLIS / 1000));
    this.tokens = maxTokens;
    this.highWatermark = Math.max(1, callbacks.connection().bufferLimitBytes());
  }

  /** Takes response data (ownership passes) and sends what the tokens allow now. */
  void write(HttpContent data, boolean last) {
    if (destroyed) {
      data.release();
      return;
    }
    if (last) {
      sawEnd = true;
      if (data instanceof LastHttpContent l && !l.trailingHeaders().isEmpty()) {
        trailers = l.trailingHeaders();
      }
    }
    ByteBuf content = data.content();
    if (content.isReadable()) {
      pending.addLast(content);
      pendingBytes += content.readableBytes();
    } else {
      content.release();
    }
    if (timer == null) {
      drain();
    }
    if (!sourcePaused && pendingBytes > highWatermark) {
      sourcePaused = true;
      callbacks.setResponseSourceReading(false);
    }
  }

  private void drain() {
    timer = null;
    if (destroyed) {
      return;
    }
    long now = clock.getAsLong();
    tokens = Math.min(maxTokens, tokens + (now - refilledAt) * bytesPerNano);
    refilledAt = now;
    long n = Math.min((long) tokens, pendingBytes);
    tokens -= n;
    boolean end = sawEnd && pendingBytes == n;
    if (pendingBytes > n) {
      timer = callbacks.eventLoop().schedule(this::drain, SLICE_MILLIS, TimeUnit.MILLISECONDS);
    }
    if (n == 0 && !end) {
      return;
    }
    ByteBuf out = take(n);
    if (sourcePaused && pendingBytes < highWatermark / 2) {
      sourcePaused = false;
      callbacks.setResponseSourceReading(true);
    }
    if (end) {
      LastHttpContent lastContent = new DefaultLastHttpContent(out);
      if (trailers != null) {
        lastContent.trailingHeaders().set(trailers);
      }
      callbacks.encodeData(lastContent, true);
    } else {
      callbacks.encodeData(new DefaultHttpContent(out), false);
    }
  }

  /** The first {@code n} waiting bytes, as one buffer (no copy). */
  private ByteBuf take(long n) {
    pendingBytes -= n;
    ByteBuf head = pending.peekFirst();
    if (n == 0) {
      return Unpooled.EMPTY_BUFFER;
    }
    if (head.readableBytes() == n) {
      return pending.pollFirst();
    }
    if (head.readableBytes() > n) {
      return head.readRetainedSlice((int) n);
    }
    ArrayDeque<ByteBuf> parts = new ArrayDeque<>();
    long left = n;
    while (left > 0) {
      ByteBuf b = pending.peekFirst();
      if (b.readableBytes() <= left) {
        left -= b.readableBytes();
        parts.add(pending.pollFirst());
      } else {
        parts.add(b.readRetainedSlice((int) left));
        left = 0;
      }
    }
    return Unpooled.wrappedBuffer(parts.toArray(new ByteBuf[0]));
  }

  /** The stream ended: drops what is still waiting. */
  void destroy() {
    destroyed = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    ByteBuf b;
    while ((b = pending.pollFirst()) != null) {
      b.release();
    }
    pendingBytes = 0;
  }
}
