package dev.javoy.proxy.http.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code connection_keepalive}: a PING every {@code interval} (plus up to {@code interval_jitter} percent);
 * when no ACK comes back within {@code timeout} the connection is aborted ({@code http2.keepalive_timeout}).
 * As in Envoy, any bytes received while waiting extend the wait: a busy connection is alive even if its ACK is
 * queued behind other frames. Sits before the HTTP/2 codec (it only notes that bytes arrived); the connection's
 * handler after the codec reports PING ACKs through {@link #onPingAck}.
 */
public final class Http2Keepalive extends ChannelInboundHandlerAdapter {
  private final Http2ProtocolConfig cfg;
  private final Http2CodecStats stats;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> nextPing;
  private ScheduledFuture<?> timeout;
  private long pingPayload;
  private boolean readSincePing;

  public Http2Keepalive(Http2ProtocolConfig cfg, Http2CodecStats stats) {
    this.cfg = cfg;
    this.stats = stats;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      scheduleNextPing();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (nextPing == null) {
      scheduleNextPing();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readSincePing = true;
    ctx.fireChannelRead(msg);
  }

  private void scheduleNextPing() {
    long interval = cfg.keepaliveIntervalMillis;
    long jitter = (long) (interval * cfg.keepaliveJitterPercent / 100.0);
    long delay = interval + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
    nextPing = ctx.executor().schedule(this::sendPing, delay, TimeUnit.MILLISECONDS);
  }

  private void sendPing() {
    nextPing = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    pingPayload = ThreadLocalRandom.current().nextLong();
    readSincePing = false;
    ctx.channel().writeAndFlush(new DefaultHttp2PingFrame(pingPayload), ctx.channel().voidPromise());
    timeout = ctx.executor().schedule(this::onTimeout, cfg.keepaliveTimeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void onTimeout() {
    timeout = null;
    if (readSincePing) {
      readSincePing = false;
      timeout = ctx.executor().schedule(this::onTimeout, cfg.keepaliveTimeoutMillis, TimeUnit.MILLISECONDS);
      return;
    }
    stats.keepaliveTimeout.inc();
    Http2FloodProtection.abort(ctx.channel());
  }

  /** A PING ACK arrived with {@code payload}. */
  public void onPingAck(long payload) {
    if (timeout != null && payload == pingPayload) {
      timeout.cancel(false);
      timeout = null;
      scheduleNextPing();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void cancel() {
    if (nextPing != null) {
      nextPing.cancel(false);
      nextPing = null;
    }
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }
}
