package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.http.h2.Http2CodecStats;
import dev.javoy.proxy.http.h2.Http2Codecs;
import dev.javoy.proxy.http.h2.Http2FloodProtection;
import dev.javoy.proxy.http.h2.Http2Keepalive;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.DrainEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 side of the connection manager for one downstream connection (prior-knowledge h2c, or chosen by
 * {@code codec_type: AUTO}).
 *
 * <p>Design: the pipeline is {@code Http2FloodProtection} (Envoy's frame limits on the raw bytes) →
 * [{@code Http2Keepalive}] → Netty's {@code Http2FrameCodec} (HPACK, flow control, stream states, SETTINGS) →
 * this handler, which dispatches each stream's frames to its {@link Http2ServerStream} (kept by stream id; no
 * channel per stream): the {@link StreamCodec} of one {@link ActiveStream}, so HTTP/2 requests run through the
 * same filters and router as HTTP/1.1 ones. A stream's writability is its send window (and the connection's),
 * and pausing its reads withholds WINDOW_UPDATEs: HTTP/2 flow control is the per-stream backpressure the router
 * already drives.
 *
 * <p>Writes are batched: the streams write their frames through this handler's context and ask for a flush;
 * within a read of this connection the flush happens once at the end of the read, otherwise once in a task that
 * runs after the event loop's current round of I/O, so responses arriving from many upstream connections in
 * one round leave in one write. Response headers held back (to learn whether a HEADERS frame alone ends the
 * response) are written just before that flush.
 *
 * <p>This handler keeps what belongs to the connection: Envoy's connection stats, the idle timeout (no
 * streams for {@code idle_timeout}), draining (GOAWAY, then close once the last stream ends), keepalive PING
 * ACKs, connection errors, and Envoy's rapid-reset defence: once 500 streams have closed, or earlier once 250
 * were reset by the client within a second of opening and before any response, if at least half of them were
 * such premature resets the connection is aborted ({@code downstream_rq_too_many_premature_resets}).
 */
final class Http2ServerConnection extends ChannelInboundHandlerAdapter {
  /** Envoy's runtime {@code overload.premature_reset_total_stream_count} default. */
  static final int PREMATURE_RESET_TOTAL_STREAM_COUNT = 500;
  /** Envoy's runtime {@code overload.premature_reset_min_stream_lifetime_seconds} default. */
  static final long PREMATURE_RESET_MIN_STREAM_LIFETIME_SECONDS = 1;

  private final HttpConnectionManagerConfig config;
  private final DownstreamConnection downstream;
  private final HcmStats stats;
  private final Http2CodecStats h2stats;
  private final IntObjectHashMap<Http2ServerStream> streams = new IntObjectHashMap<>(8);
  /** Streams whose response headers are held until the next flush. */
  private final ArrayDeque<Http2ServerStream> heldHeaders = new ArrayDeque<>(8);
  private final Runnable flushTask = this::runFlushTask;
  private Http2FrameCodec codec;
  private ChannelHandlerContext ctx;
  /** A void promise whose failures are not reported (a stream's write fails when the client reset it). */
  private ChannelPromise silentVoid;
  /** Inside a read of this connection: the end of the read flushes. */
  private boolean inRead;
  private boolean flushPending;
  private boolean flushScheduled;
  private int activeStreams;
  private long closedStreams;
  private long prematureResets;
  private boolean draining;
  private boolean aborted;
  private boolean closingForProtocolError;
  private boolean inactive;
  /** A stream was still open when the connection closed (the codec ends streams before this sees it close). */
  private boolean closedWithActiveStreams;
  private ScheduledFuture<?> idleTimer;
  /** {@code max_connection_duration}, armed when the connection starts. */
  private ScheduledFuture<?> durationTimer;
  /** {@code drain_timeout}: from the shutdown-notice GOAWAY to the final one. */
  private ScheduledFuture<?> drainTimer;
  private long openedAtNanos;

  private Http2ServerConnection(HttpConnectionManagerConfig config, DownstreamConnection downstream) {
    this.config = config;
    this.downstream = downstream;
    this.stats = config.stats;
    this.h2stats = config.http2Stats();
  }

  /** Installs the HTTP/2 server handlers at the end of {@code downstream}'s pipeline. */
  static void install(HttpConnectionManagerConfig config, DownstreamConnection downstream) {
    Http2ServerConnection conn = new Http2ServerConnection(config, downstream);
    ChannelPipeline p = downstream.channel().pipeline();
    Http2FloodProtection guard = new Http2FloodProtection(config.http2, conn.h2stats, true, config.maxRequestHeadersBytes);
    guard.onStreamProtocolError(conn::onMessagingError);
    p.addLast(guard);
    if (config.http2.keepaliveEnabled()) {
      p.addLast(new Http2Keepalive(config.http2, conn.h2stats));
    }
    Http2FrameCodec codec = Http2Codecs.server(config.http2, config.maxRequestHeadersBytes);
    conn.codec = codec;
    p.addLast(codec);
    p.addLast(conn);
  }

  DownstreamConnection downstream() {
    return downstream;
  }

  HttpConnectionManagerConfig config() {
    return config;
  }

  Http2CodecStats h2stats() {
    return h2stats;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.silentVoid = new VoidChannelPromise(ctx.channel(), false);
    openedAtNanos = LoopClock.nanoTime();
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    stats.downstreamCxHttp2Total.inc();
    stats.downstreamCxHttp2Active.inc();
    Http2Codecs.growConnectionWindow(ctx.channel(), config.http2);
    armIdleTimer();
    if (config.maxConnectionDurationMillis > 0) {
      durationTimer = ctx.executor().schedule(this::onMaxConnectionDuration, config.maxConnectionDurationMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /** {@code max_connection_duration}: Envoy drains the connection (GOAWAY; closes once its streams end). */
  private void onMaxConnectionDuration() {
    durationTimer = null;
    if (inactive) {
      return;
    }
    stats.downstreamCxMaxDurationReached.inc();
    if (!draining) {
      drain();
    }
  }

  // ---- streams ----

  boolean isActive() {
    return ctx.channel().isActive();
  }

  /** Whether {@code stream} may send: its window, the connection's, and the socket's writability. */
  boolean isWritable(Http2Stream stream) {
    return stream != null && stream.state() != Http2Stream.State.CLOSED
        && codec.connection().remote().flowController().isWritable(stream);
  }

  /** Returns {@code bytes} of request data to the peer's window (a WINDOW_UPDATE, when due). */
  void consumeBytes(Http2Stream stream, int bytes) {
    if (stream == null || bytes <= 0) {
      return;
    }
    try {
      if (codec.connection().local().flowController().consumeBytes(stream, bytes)) {
        requestFlush();
      }
    } catch (Http2Exception e) {
      ctx.channel().pipeline().fireExceptionCaught(e);
    }
  }

  ChannelPromise voidPromise() {
    return silentVoid;
  }

  ChannelPromise newPromise() {
    return ctx.newPromise();
  }

  void write(Object frame, ChannelPromise promise) {
    ctx.write(frame, promise);
  }

  void writeAndFlush(Object frame) {
    ctx.write(frame, silentVoid);
    requestFlush();
  }

  /** {@code stream} holds response headers: they are written before the next flush at the latest. */
  void holdHeaders(Http2ServerStream stream) {
    heldHeaders.add(stream);
    requestFlush();
  }

  /** Flushes at the end of the current read, or after the event loop's current round of I/O. */
  void requestFlush() {
    if (inRead) {
      flushPending = true;
    } else if (!flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(flushTask);
    }
  }

  /** Flushes at once (held headers first). */
  void flushNow() {
    flushPending = false;
    writeHeldHeaders();
    ctx.flush();
  }

  private void runFlushTask() {
    flushScheduled = false;
    flushNow();
  }

  private void writeHeldHeaders() {
    Http2ServerStream s;
    while ((s = heldHeaders.poll()) != null) {
      s.writeHeldHeaders();
    }
  }

  void streamStarted() {
    activeStreams++;
    h2stats.streamsActive.inc();
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  /** @param prematureReset the client reset it soon after opening it, before any response */
  void streamEnded(boolean prematureReset) {
    activeStreams--;
    h2stats.streamsActive.dec();
    closedStreams++;
    if (!ctx.channel().isActive()) {
      closedWithActiveStreams = true;
    }
    if (prematureReset) {
      prematureResets++;
      if (tooManyPrematureResets()) {
        aborted = true;
        stats.downstreamRqTooManyPrematureResets.inc();
        Http2FloodProtection.abort(ctx.channel());
        return;
      }
    }
    if (activeStreams == 0) {
      if (draining) {
        flushNow(); // the last response's frames first
        ctx.channel().close();
      } else {
        armIdleTimer();
      }
    }
  }

  private boolean tooManyPrematureResets() {
    if (inactive || aborted) {
      return false;
    }
    long limit = closedStreams < PREMATURE_RESET_TOTAL_STREAM_COUNT ? PREMATURE_RESET_TOTAL_STREAM_COUNT : closedStreams;
    return prematureResets * 2 >= limit;
  }

  /** A response is starting: the listener may want this connection drained (Envoy checks per response). */
  void onResponseHeaders() {
    if (!draining && downstream.drainDecision().drainClose()) {
      startDrain();
    }
  }

  /**
   * A stream was reset for invalid messaging (by javoy or by the codec's header validation): unless streams
   * alone are to be reset ({@code override_stream_error_on_invalid_http_message}), the connection goes too.
   */
  private void onMessagingError() {
    h2stats.rxMessagingError.inc();
    if (!config.http2.streamErrorOnInvalidHttpMessage && !inactive && !closingForProtocolError) {
      closingForProtocolError = true;
      stats.downstreamCxProtocolError.inc();
      Channel ch = ctx.channel();
      ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.PROTOCOL_ERROR)).addListener(f -> ch.close());
    }
  }

  // ---- connection ----

  private void armIdleTimer() {
    long millis = config.idleTimeoutMillis;
    if (millis > 0 && idleTimer == null && !inactive) {
      idleTimer = ctx.executor().schedule(this::onIdleTimeout, millis, TimeUnit.MILLISECONDS);
    }
  }

  private void onIdleTimeout() {
    idleTimer = null;
    if (activeStreams == 0 && !inactive) {
      stats.downstreamCxIdleTimeout.inc();
      ctx.channel().close(); // the codec sends GOAWAY first
    }
  }

  private void startDrain() {
    stats.downstreamCxDrainClose.inc();
    drain();
  }

  private void drain() {
    draining = true;
    if (activeStreams == 0) {
      flushNow();
      ctx.channel().close(); // GOAWAY, then close
    } else {
      // Envoy's two-phase drain: a shutdown notice (last stream id 2^31-1) lets requests already on the way
      // land; after drain_timeout the final GOAWAY names the last stream taken. The connection closes once its
      // last stream ends, whichever phase it is in.
      ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE),
          ctx.voidPromise());
      drainTimer = ctx.executor().schedule(this::onDrainTimeout, config.drainTimeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void onDrainTimeout() {
    drainTimer = null;
    if (!inactive) {
      ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR), ctx.voidPromise());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    if (msg instanceof Http2StreamFrame f) {
      onStreamFrame(f);
      return;
    }
    if (msg instanceof Http2PingFrame ping && ping.ack()) {
      Http2Keepalive keepalive = ctx.pipeline().get(Http2Keepalive.class);
      if (keepalive != null) {
        keepalive.onPingAck(ping.content());
      }
    }
    ReferenceCountUtil.release(msg); // SETTINGS, PING, GOAWAY from the client: the codec has acted on them
  }

  private void onStreamFrame(Http2StreamFrame f) {
    Http2FrameStream fs = f.stream();
    int id = fs == null ? 0 : fs.id();
    Http2ServerStream s = streams.get(id);
    if (f instanceof Http2HeadersFrame h) {
      if (s == null) {
        if (inactive) {
          return;
        }
        s = new Http2ServerStream(this, fs, codec.connection().stream(id));
        streams.put(id, s);
        streamStarted();
      }
      s.onHeadersFrame(h);
    } else if (f instanceof Http2DataFrame d) {
      if (s == null) {
        int bytes = d.initialFlowControlledBytes();
        d.release();
        consumeBytes(codec.connection().stream(id), bytes);
      } else {
        s.onDataFrame(d);
      }
    } else if (f instanceof Http2ResetFrame) {
      if (s != null) {
        s.onResetFrame();
      }
    } else {
      ReferenceCountUtil.release(f); // WINDOW_UPDATE (the codec has applied it), unknown frames
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inRead = false;
    if (flushPending || !heldHeaders.isEmpty()) {
      flushNow();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent e) {
      Http2FrameStream fs = e.stream();
      if (e.type() == Http2FrameStreamEvent.Type.State) {
        if (fs.state() == Http2Stream.State.CLOSED) {
          Http2ServerStream s = streams.remove(fs.id());
          if (s != null) {
            s.onStreamClosed();
          }
        }
      } else {
        Http2ServerStream s = streams.get(fs.id());
        if (s != null) {
          s.onWritabilityChanged();
        }
      }
      return;
    }
    if (evt instanceof DrainEvent) {
      if (!draining && !inactive) {
        startDrain();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Stream errors: the stream ends with RST_STREAM. Connection errors: the codec sends GOAWAY and closes;
    // I/O errors end the connection.
    if (cause instanceof Http2FrameStreamException e) {
      Http2FrameStream fs = e.stream();
      Http2ServerStream s = streams.get(fs.id());
      if (s != null) {
        s.onStreamError(e.error());
      } else if (fs.state() != Http2Stream.State.CLOSED) {
        writeAndFlush(new DefaultHttp2ResetFrame(e.error()).stream(fs)); // before its first frame reached us
      }
    } else if (cause instanceof Http2Exception e) {
      stats.downstreamCxProtocolError.inc();
      String m = e.getMessage();
      if (m != null && m.contains("Header size exceeded")) {
        h2stats.headerOverflow.inc();
      }
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    inRead = false;
    if (!streams.isEmpty()) {
      for (Http2ServerStream s : new ArrayList<>(streams.values())) {
        streams.remove(s.id());
        s.onStreamClosed();
      }
    }
    heldHeaders.clear();
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (durationTimer != null) {
      durationTimer.cancel(false);
      durationTimer = null;
    }
    if (drainTimer != null) {
      drainTimer.cancel(false);
      drainTimer = null;
    }
    stats.downstreamCxActive.dec();
    stats.downstreamCxHttp2Active.dec();
    stats.downstreamCxDestroy.inc();
    stats.downstreamCxLengthMs.record((LoopClock.nanoTime() - openedAtNanos) / 1_000_000);
    if (activeStreams > 0 || closedWithActiveStreams) {
      stats.downstreamCxDestroyActiveRq.inc();
    }
    ctx.fireChannelInactive();
  }
}
