package dev.javoy.proxy.upstream.http1;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.event.DeadlineQueue;
import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import dev.javoy.proxy.http.h1.Http1RequestEncoder;
import dev.javoy.proxy.http.h1.Http1ResponseDecoder;
import dev.javoy.proxy.tls.TlsConnectionInfo;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 connection to an upstream host, serving one stream at a time. It goes back to its pool only
 * when the request was fully written and the response fully read with keep-alive semantics; a connection
 * abandoned mid-stream (timeout, downstream reset, protocol error) is closed, never reused.
 *
 * <p>The cluster's {@code idle_timeout} (Envoy: the time with no active request, default 1 hour) is an entry of the
 * loop's {@link DeadlineQueue}, armed while the connection waits in its pool and disarmed when a stream takes it:
 * no handler in the pipeline and no clock read per read or write.
 */
public final class Http1UpstreamConnection extends ChannelInboundHandlerAdapter implements UpstreamStream,
    Http1ResponseDecoder.MessageReceiver {
  private final Http1ConnectionPool pool;
  private final Channel channel;
  private final ClusterStats stats;
  private final long maxRequests;
  private final HeaderKeyFormat headerKeyFormat;
  /** The response decoder in this connection's pipeline: its one pass over a head's names answers keep-alive. */
  private final Http1ResponseDecoder decoder;
  private final IdleTimer idleTimer;
  /** The request encoder and its context, written to directly (null when the pipeline has none). */
  private Http1RequestEncoder encoder;
  private ChannelHandlerContext encoderCtx;
  /** The connection's TLS facts, found once when it connected (null: plain TCP). */
  private TlsConnectionInfo tls;
  private ResponseHandler handler;
  private boolean connected;
  private boolean idle;
  private boolean requestComplete;
  private boolean responseComplete;
  private boolean keepAlive;
  private long served;
  private long connectedAtNanos;

  Http1UpstreamConnection(Http1ConnectionPool pool, Channel channel, Http1ResponseDecoder decoder) {
    this.pool = pool;
    this.channel = channel;
    this.decoder = decoder;
    if (decoder != null) {
      decoder.deliverTo(this); // decoded responses arrive by a direct call, not through the pipeline
    }
    this.stats = pool.cluster().stats();
    this.maxRequests = pool.cluster().http().maxRequestsPerConnection();
    this.headerKeyFormat = pool.cluster().http().headerKeyFormat();
    this.idleTimer = pool.cluster().http().idleTimeoutMillis() > 0 ? new IdleTimer() : null;
  }

  /** The cluster's {@code idle_timeout} while the connection waits in its pool. */
  private final class IdleTimer extends DeadlineQueue.Entry {
    @Override
    protected void onDeadline() {
      if (idle && channel.isActive()) {
        stats.upstreamCxIdleTimeout.inc();
        channel.close();
      }
    }
  }

  @Override
  public Channel channel() {
    return channel;
  }

  public Host host() {
    return pool.host();
  }

  void markConnected() {
    connected = true;
    connectedAtNanos = LoopClock.nanoTime();
    tls = TlsConnectionInfo.upstreamOf(channel);
  }

  @Override
  public TlsConnectionInfo tls() {
    return tls;
  }

  /** In the pool waiting for a stream (the idle timer runs), or lent to one. On the connection's loop. */
  void setIdle(boolean idle) {
    this.idle = idle;
    if (idleTimer != null) {
      if (idle) {
        pool.idleTimeoutQueue().arm(idleTimer);
      } else {
        idleTimer.cancelDeadline();
      }
    }
  }

  boolean usable() {
    return channel.isActive();
  }

  /** Starts a stream; the caller then writes the request with {@link #write} and ends it. */
  @Override
  public void startStream(ResponseHandler h) {
    this.handler = h;
    this.requestComplete = false;
    this.responseComplete = false;
    this.keepAlive = true;
    served++;
  }

  /** Writes part of the request; {@code last} marks the request complete. Flushes when {@code flush}. */
  @Override
  public void write(HttpObject msg, boolean last, boolean flush) {
    if (msg instanceof HttpRequest req) {
      headerKeyFormat.format(req.headers());
    }
    ChannelHandlerContext ectx = encoderCtx;
    if (ectx != null && !ectx.isRemoved()) {
      // the encoder is the next outbound handler from the tail: called as a method, not through the pipeline
      try {
        encoder.write(ectx, msg, channel.voidPromise());
        if (flush) {
          encoder.flush(ectx);
        }
      } catch (Throwable t) {
        channel.pipeline().fireExceptionCaught(t); // what the pipeline does with a void promise's failure
      }
    } else if (flush) {
      channel.writeAndFlush(msg, channel.voidPromise());
    } else {
      channel.write(msg, channel.voidPromise());
    }
    if (last) {
      requestComplete = true;
      maybeRelease();
    }
  }

  @Override
  public void flush() {
    ChannelHandlerContext ectx = encoderCtx;
    if (ectx != null && !ectx.isRemoved()) {
      encoder.flush(ectx);
    } else {
      channel.flush();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // the codec was installed just before this handler; nothing else sits between the tail and the encoder
    encoderCtx = ctx.pipeline().context(Http1RequestEncoder.class);
    encoder = encoderCtx == null ? null : (Http1RequestEncoder) encoderCtx.handler();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  /**
   * The stream switched protocols ({@code 101}) and the channel became a byte tunnel: no more HTTP responses
   * are expected and the connection never goes back to the pool; it only reports its end to the pool.
   */
  public void detachForTunnel() {
    handler = null;
    responseComplete = false;
    requestComplete = false;
  }

  /** Abandons the stream: the connection cannot be reused and closes. */
  @Override
  public void reset() {
    handler = null;
    stats.upstreamCxDestroyLocal.inc();
    stats.upstreamCxDestroyWithActiveRq.inc();
    channel.close();
  }

  void close() {
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    messageReceived(msg);
  }

  /** A message of the response decoder, called directly by it (or through the pipeline when it is not there). */
  @Override
  public void messageReceived(Object msg) {
    ResponseHandler h = handler;
    if (h == null || responseComplete) {
      // Bytes with no stream waiting for them: the connection is out of sync; drop it.
      ReferenceCountUtil.release(msg);
      channel.close();
      return;
    }
    if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      failStream("protocol error: " + describe(o.decoderResult()));
      return;
    }
    if (msg instanceof HttpResponse r) {
      int code = r.status().code();
      if (code >= 100 && code < 200 && code != 101) {
        // 1xx informational: not forwarded (Envoy without proxy_100_continue); the final response follows.
        ReferenceCountUtil.release(msg);
        skipInformational = true;
        return;
      }
      keepAlive = decoder.keepAlive();
      if (!headerKeyFormat.forwardReasonPhrase()) {
        HeaderKeyFormat.standardReasonPhrase(r);
      }
      h.onResponseHeaders(r);
    }
    if (msg instanceof HttpContent c) {
      if (skipInformational) {
        c.release();
        if (c instanceof LastHttpContent) {
          skipInformational = false;
        }
        return;
      }
      boolean last = c instanceof LastHttpContent;
      if (last) {
        responseComplete = true;
        handler = null;
      }
      h.onResponseData(c, last);
      if (last) {
        maybeRelease();
      }
    }
  }

  private boolean skipInformational;

  private static String describe(DecoderResult r) {
    return r.cause() == null ? "malformed response" : r.cause().getMessage();
  }

  private void failStream(String reason) {
    ResponseHandler h = handler;
    handler = null;
    channel.close();
    if (h != null) {
      h.onUpstreamReset(reason);
    }
  }

  private void maybeRelease() {
    if (!requestComplete || !responseComplete) {
      return;
    }
    if (!keepAlive) {
      channel.close();
      return;
    }
    if (maxRequests > 0 && served >= maxRequests) {
      stats.upstreamCxMaxRequests.inc();
      channel.close();
      return;
    }
    if (!channel.config().isAutoRead()) {
      // The router paused reads for a slow downstream and the rest of the response was already decoded from the
      // same read: the connection goes back to the pool reading again, or the next stream's response (and the
      // peer's close while idle) would never be read.
      channel.config().setAutoRead(true);
    }
    pool.onConnectionFree(this);
  }

  /** The end of a read: nothing after this handler wants it (the tail ignores it), so it is not passed on. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {}

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ResponseHandler h = handler;
    if (h != null) {
      h.onUpstreamWritabilityChanged(channel.isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idleTimer != null) {
      idleTimer.cancelDeadline();
    }
    if (connected) {
      stats.upstreamCxLengthMs.record((LoopClock.nanoTime() - connectedAtNanos) / 1_000_000);
      if (handler != null) {
        stats.upstreamCxDestroyRemote.inc();
      }
      pool.connectionGone(channel, true);
    }
    ResponseHandler h = handler;
    handler = null;
    if (h != null) {
      h.onUpstreamReset("connection termination");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // I/O errors (reset by peer) end the connection; channelInactive reports it to the stream.
    channel.close();
  }
}
