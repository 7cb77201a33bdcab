package dev.javoy.proxy.upstream.http2;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.http.h2.Http2CodecStats;
import dev.javoy.proxy.http.h2.Http2Codecs;
import dev.javoy.proxy.http.h2.Http2Keepalive;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.HttpConnectionPool;
import dev.javoy.proxy.upstream.HttpConnectionPool.PoolFailure;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One multiplexed HTTP/2 connection to an upstream host (the last handler of its pipeline, after Netty's
 * multiplexer). It opens streams for the pool while it has capacity: fewer than the smaller of the cluster's
 * {@code max_concurrent_streams} and the server's SETTINGS_MAX_CONCURRENT_STREAMS, and fewer than
 * {@code max_requests_per_connection} in all. A GOAWAY from the server, the request limit or the pool draining
 * stop new streams; the connection closes once its last stream ends. With no streams for
 * {@code idle_timeout} it closes too.
 */
final class Http2UpstreamConnection extends ChannelInboundHandlerAdapter {
  private final Http2ConnectionPool pool;
  private final Channel channel;
  private final ClusterStats stats;
  private final long maxStreams;
  private final long maxRequests;
  private final long idleTimeoutMillis;
  private long peerMaxStreams = Long.MAX_VALUE;
  private int activeStreams;
  private long served;
  private boolean connected;
  private boolean draining;
  private ScheduledFuture<?> idleTimer;
  private long connectedAtNanos;

  Http2UpstreamConnection(Http2ConnectionPool pool, Channel channel) {
    this.pool = pool;
    this.channel = channel;
    this.stats = pool.cluster().stats();
    this.maxStreams = pool.cluster().http().http2().maxConcurrentStreams;
    this.maxRequests = pool.cluster().http().maxRequestsPerConnection();
    this.idleTimeoutMillis = pool.cluster().http().idleTimeoutMillis();
  }

  Channel channel() {
    return channel;
  }

  Http2CodecStats h2stats() {
    return pool.h2stats();
  }

  void markConnected() {
    connected = true;
    connectedAtNanos = LoopClock.nanoTime();
    Http2Codecs.growConnectionWindow(channel, pool.cluster().http().http2());
    armIdleTimer();
  }

  /** Whether a new stream may start here now. */
  boolean hasCapacity() {
    return connected && !draining && channel.isActive() && activeStreams < Math.min(maxStreams, peerMaxStreams);
  }

  int activeStreams() {
    return activeStreams;
  }

  /** Opens a stream for {@code callbacks} (the caller checked {@link #hasCapacity()}). */
  void newStream(HttpConnectionPool.Callbacks callbacks) {
    activeStreams++;
    served++;
    if (maxRequests > 0 && served >= maxRequests) {
      stats.upstreamCxMaxRequests.inc();
      draining = true; // this stream is its last
    }
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    Http2UpstreamStream stream = new Http2UpstreamStream(this);
    new Http2StreamChannelBootstrap(channel).handler(stream).open().addListener(f -> {
      if (f.isSuccess()) {
        callbacks.onPoolReady(stream);
      } else {
        stream.reportClosed();
        callbacks.onPoolFailure(PoolFailure.CONNECTION_FAILURE, "connection failure");
      }
    });
  }

  /** A stream of this connection ended (each opened stream reports exactly once). */
  void streamClosed() {
    activeStreams--;
    if (activeStreams == 0) {
      if (draining) {
        channel.close();
        return;
      }
      armIdleTimer();
    }
    pool.onStreamCapacity(this);
  }

  /** No new streams: the connection closes when its last stream ends. */
  void drain() {
    draining = true;
    if (activeStreams == 0) {
      channel.close();
    }
  }

  private void armIdleTimer() {
    if (idleTimeoutMillis > 0 && idleTimer == null && channel.isActive()) {
      idleTimer = channel.eventLoop().schedule(this::onIdleTimeout, idleTimeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void onIdleTimeout() {
    idleTimer = null;
    if (activeStreams == 0) {
      stats.upstreamCxIdleTimeout.inc();
      channel.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http2SettingsFrame s) {
        Long max = s.settings().maxConcurrentStreams();
        if (max != null) {
          peerMaxStreams = max;
          pool.onStreamCapacity(this);
        }
      } else if (msg instanceof Http2GoAwayFrame) {
        // Streams above the last stream id are reset by the codec; the rest may finish.
        draining = true;
        pool.onDraining(this);
        if (activeStreams == 0) {
          channel.close();
        }
      } else if (msg instanceof Http2PingFrame ping && ping.ack()) {
        Http2Keepalive keepalive = ctx.pipeline().get(Http2Keepalive.class);
        if (keepalive != null) {
          keepalive.onPingAck(ping.content());
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (connected) {
      stats.upstreamCxLengthMs.record((LoopClock.nanoTime() - connectedAtNanos) / 1_000_000);
      if (activeStreams > 0) {
        stats.upstreamCxDestroyWithActiveRq.inc();
      }
      pool.connectionGone(this);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof Http2Exception)) {
      ctx.close(); // I/O error; the codec handles its own protocol errors (GOAWAY, close)
    }
  }

  /** Server-initiated streams (push is disabled in SETTINGS): refused by closing them. */
  static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel() instanceof Http2StreamChannel) {
        ctx.channel().close();
      }
    }

    @Override
    public boolean isSharable() {
      return true;
    }
  }
}
