package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.http.upgrade.UpgradeTunnel;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.DrainEvent;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import dev.javoy.proxy.http.h1.Http1Request;
import dev.javoy.proxy.http.h1.Http1RequestDecoder;
import dev.javoy.proxy.http.h1.Http1ResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 side of the connection manager for one downstream connection: turns decoded requests into
 * {@link ActiveStream}s one at a time (pipelined requests wait their turn), writes responses with Envoy's
 * response header handling, and enforces keep-alive, HTTP/1.0 and protocol-error rules.
 * <p>
 * It is also the connection's response encoder: the {@link Http1ResponseEncoder} is not a handler of its own but
 * called with this handler's context, so a response goes from here to the socket without a trip through the
 * pipeline's tail and an encoder handler (writes from elsewhere, through the channel, are encoded the same way).
 * Its {@link Http1RequestDecoder} reports each read's raw bytes to it ({@code request_headers_timeout}).
 */
final class Http1ServerConnection extends ChannelDuplexHandler implements StreamCodec,
    Http1RequestDecoder.ReadWatcher, Http1RequestDecoder.MessageReceiver {
  private static final HttpResponseStatus UPGRADE_REQUIRED = HttpResponseStatus.valueOf(426);

  private final HttpConnectionManagerConfig config;
  private final DownstreamConnection downstream;
  private final HcmStats stats;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  /** Encodes every response of the connection; after an upgrade, writes pass through unencoded. */
  private final Http1ResponseEncoder encoder = new Http1ResponseEncoder();
  private boolean encoding = true;
  private ChannelHandlerContext ctx;
  private ActiveStream current;
  private boolean closeAfterResponse;
  private boolean closed;
  /** The request just started has no body: the codec's empty end-of-message that follows is dropped. */
  private boolean dropEmptyLast;
  private long openedAtNanos;
  /** When the first byte of the request being read arrived ({@code request_headers_timeout}), or 0. */
  private long headerStartNanos;
  private ScheduledFuture<?> headerTimer;
  /** {@code max_connection_duration}, armed when the connection starts. */
  private ScheduledFuture<?> durationTimer;
  /** {@code delayed_close_timeout}, armed once the last response before a close is flushed. */
  private ScheduledFuture<?> delayedCloseTimer;
  /** A request's head has started arriving and its request is not decoded yet. */
  private boolean scanningHead;
  /** The connection manager's {@code idle_timeout} (no stream for that long), when configured. */
  private ScheduledFuture<?> idleTimer;
  /** Since when the connection has had no stream: its start, or the end of its last stream. */
  private long idleSinceNanos;
  private Http1RequestDecoder decoder;

  Http1ServerConnection(HttpConnectionManagerConfig config, DownstreamConnection downstream) {
    this.config = config;
    this.downstream = downstream;
    this.stats = config.stats;
  }

  @Override
  public DownstreamConnection downstream() {
    return downstream;
  }

  @Override
  public boolean writable() {
    return downstream.channel().isWritable();
  }

  /** The encoder, which the request decoder tells each request's method (HEAD, CONNECT). */
  Http1ResponseEncoder encoder() {
    return encoder;
  }

  /** The connection's request decoder (it tells whether a request has started arriving). */
  void decoder(Http1RequestDecoder decoder) {
    this.decoder = decoder;
    decoder.deliverTo(this); // decoded requests arrive by a direct call, not through the pipeline
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Plain TCP (no TLS handler, no outbound network filter before it): responses go straight to the transport.
    encoder.writeDirectly(noOutboundHandlerBefore(ctx));
    openedAtNanos = LoopClock.nanoTime();
    idleSinceNanos = openedAtNanos;
    if (config.idleTimeoutMillis > 0) {
      idleTimer = ctx.executor().schedule(this::onIdleTimer, config.idleTimeoutMillis, TimeUnit.MILLISECONDS);
    }
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    stats.downstreamCxHttp1Total.inc();
    stats.downstreamCxHttp1Active.inc();
    if (config.maxConnectionDurationMillis > 0) {
      durationTimer = ctx.executor().schedule(this::onMaxConnectionDuration, config.maxConnectionDurationMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Whether every handler before this one in the pipeline is inbound only (none sees or changes writes). */
  private static boolean noOutboundHandlerBefore(ChannelHandlerContext ctx) {
    for (Map.Entry<String, ChannelHandler> e : ctx.pipeline()) {
      ChannelHandler h = e.getValue();
      if (h == ctx.handler()) {
        return true;
      }
      if (h instanceof ChannelOutboundHandler) {
        return false;
      }
    }
    return false;
  }

  /**
   * Envoy's {@code idle_timeout}: the connection closes once it has had no stream for the timeout. A request whose
   * head or body is still arriving counts as a stream, as Envoy's codec opens the stream with a request's first
   * byte. One timer per connection, re-armed lazily: a stream's end only notes the time, so a request costs no
   * timer operation.
   */
  private void onIdleTimer() {
    idleTimer = null;
    if (closed) {
      return;
    }
    long timeout = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMillis);
    long wait = timeout;
    if (current == null && (decoder == null || !decoder.midMessage())) {
      long idle = System.nanoTime() - idleSinceNanos;
      if (idle >= timeout) {
        stats.downstreamCxIdleTimeout.inc();
        close();
        return;
      }
      wait = timeout - idle;
    }
    idleTimer = ctx.executor().schedule(this::onIdleTimer, wait, TimeUnit.NANOSECONDS);
  }

  /** Envoy: an idle connection closes now; one with a request in flight answers it with Connection: close. */
  private void onMaxConnectionDuration() {
    durationTimer = null;
    if (closed) {
      return;
    }
    stats.downstreamCxMaxDurationReached.inc();
    if (current == null) {
      close();
    } else {
      closeAfterResponse = true;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    messageReceived(msg);
  }

  /** A message of the request decoder, called directly by it (the handler before this one). */
  @Override
  public void messageReceived(Object msg) {
    if (closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest) {
      scanningHead = false;
      headerStartNanos = 0; // the headers are in: request_headers_timeout is disarmed
      if (headerTimer != null) {
        headerTimer.cancel(false);
        headerTimer = null;
      }
    }
    if (dropEmptyLast && msg instanceof LastHttpContent last && !last.content().isReadable()
        && last.trailingHeaders().isEmpty() && last.decoderResult().isSuccess()) {
      dropEmptyLast = false;
      last.release();
      return;
    }
    if (!pipelined.isEmpty() || (current != null && current.requestComplete)) {
      // A pipelined request: it waits until the response to the current one is complete.
      pipelined.add(msg);
      ctx.channel().config().setAutoRead(false); // this handler's context
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest req) {
      if (req.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        if (current == null) {
          localReplyStream(req);
        }
        protocolError(req.decoderResult().cause());
        return;
      }
      startStream(req);
    }
    if (msg instanceof HttpContent c) {
      if (c.decoderResult().isFailure()) {
        c.release();
        protocolError(c.decoderResult().cause());
        return;
      }
      ActiveStream s = current;
      if (s == null || s.requestComplete) {
        c.release(); // the rest of a request whose stream already ended: the connection closes after it
        return;
      }
      s.decodeData(c, c instanceof LastHttpContent);
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void startStream(HttpRequest req) {
    stats.downstreamRqTotal.inc();
    stats.downstreamRqHttp1Total.inc();
    stats.downstreamRqActive.inc();
    ActiveStream s = ActiveStream.open(this, config); // a stream object of this worker's that ended, if any
    current = s;
    HttpHeaders h = req.headers();
    // javoy's decoder noted what its pass over the names found: no header is searched for again here
    Http1Request r = req instanceof Http1Request d ? d : null;
    if (r != null && r.contentLengthAndChunked) {
      // RFC 9112 lets a server go by the chunked coding; Envoy refuses the request.
      stats.downstreamCxProtocolError.inc();
      rejectRequest(s, req, 400, "Bad Request", "http1.content_length_and_chunked_not_allowed");
      return;
    }
    String te = r == null || r.bodyLength() < 0 ? h.get(HttpHeaderNames.TRANSFER_ENCODING) : null;
    if (te != null && !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(te.trim())) {
      // Envoy: only "chunked" is understood; anything else (lists included) is 501.
      stats.downstreamCxProtocolError.inc();
      rejectRequest(s, req, 501, "Not Implemented", "http1.invalid_transfer_encoding");
      return;
    }
    boolean keepAlive = r != null && !r.hasConnection() ? req.protocolVersion().isKeepAliveDefault()
        : HttpUtil.isKeepAlive(req);
    if (!keepAlive) {
      closeAfterResponse = true;
    }
    if (req.protocolVersion() != HttpVersion.HTTP_1_1) {
      // Envoy rejects HTTP/1.0 unless http_protocol_options.accept_http_10.
      s.info.requestHeaders = req;
      s.info.protocol = req.protocolVersion().text();
      closeAfterResponse = true;
      s.requestComplete = true;
      s.sendLocalReply(UPGRADE_REQUIRED.code(), "", null, "low_version");
      return;
    }
    if (h.size() > config.maxHeadersCount) {
      stats.downstreamRqTooLarge.inc();
      closeAfterResponse = true;
      s.info.requestHeaders = req;
      s.requestComplete = true;
      s.sendLocalReply(431, "Request Header Fields Too Large", ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
          "http1.too_many_headers");
      return;
    }
    if (r != null ? !r.hasHost() : !h.contains(HttpHeaderNames.HOST)) {
      s.info.requestHeaders = req;
      s.sendLocalReply(400, "", null, "missing_host_header");
      closeAfterResponse = true;
      return;
    }
    if ((r == null || r.hasExpect()) && HttpUtil.is100ContinueExpected(req)) {
      // As Envoy (proxy_100_continue off): answer 100 Continue here and do not forward the expectation.
      h.remove(HttpHeaderNames.EXPECT);
      encoder.write(ctx, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
          ctx.voidPromise());
      encoder.flush(ctx);
    }
    boolean bodyless = r != null ? r.bodyLength() == 0
        : !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0;
    if (bodyless) {
      dropEmptyLast = true;
    }
    s.decodeHeaders(req, bodyless);
  }

  private void rejectRequest(ActiveStream s, HttpRequest req, int code, String body, String details) {
    closeAfterResponse = true;
    s.info.requestHeaders = req;
    s.requestComplete = true;
    s.sendLocalReply(code, body, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR, details);
  }

  /** A stream for a local reply to a request that never became one (unparseable, or its headers timed out). */
  private ActiveStream localReplyStream(HttpRequest req) {
    stats.downstreamRqTotal.inc();
    stats.downstreamRqHttp1Total.inc();
    stats.downstreamRqActive.inc();
    ActiveStream s = ActiveStream.open(this, config); // a stream object of this worker's that ended, if any
    current = s;
    s.info.requestHeaders = req;
    s.requestComplete = true;
    closeAfterResponse = true;
    return s;
  }

  /**
   * A read's raw bytes, before the decoder: starts {@code request_headers_timeout} with the first byte of a request
   * (the decoder rejects obs-fold and every other malformed head).
   */
  @Override
  public void bytesRead(ByteBuf b) {
    if (!closed && !scanningHead && headerStartNanos == 0 && (current == null || current.requestComplete)
        && b.isReadable()) {
      scanningHead = true; // a new request's head starts with these bytes
      headerStartNanos = LoopClock.nanoTime();
    }
  }

  /** After the read's requests were handed on: the timer is scheduled only when the headers did not come whole. */
  @Override
  public void bytesDecoded() {
    if (headerStartNanos != 0 && headerTimer == null && !closed) {
      long left = TimeUnit.MILLISECONDS.toNanos(config.requestHeadersTimeoutMillis)
          - (LoopClock.nanoTime() - headerStartNanos);
      headerTimer = ctx.executor().schedule(this::onRequestHeadersTimeout, Math.max(0, left), TimeUnit.NANOSECONDS);
    }
  }

  private void onRequestHeadersTimeout() {
    headerTimer = null;
    if (closed || headerStartNanos == 0) {
      return;
    }
    headerStartNanos = 0;
    stats.downstreamRqHeaderTimeout.inc();
    if (current != null) {
      close(); // a pipelined request's headers stalled behind a stream in progress
      return;
    }
    localReplyStream(null).sendLocalReply(408, "request header timeout", null, "request_header_timeout");
  }

  /** A request the codec could not parse: 400 (431 for oversized headers), then close, as Envoy. */
  private void protocolError(Throwable cause) {
    stats.downstreamCxProtocolError.inc();
    closeAfterResponse = true;
    ActiveStream s = current;
    if (s == null || s.responseStarted) {
      close();
      return;
    }
    s.requestComplete = true;
    boolean tooLong = cause instanceof TooLongFrameException;
    if (tooLong) {
      stats.downstreamRqTooLarge.inc();
    }
    if (isTransferEncodingError(cause)) {
      // Envoy answers a transfer coding other than (a lone) chunked with 501.
      s.sendLocalReply(501, "Not Implemented", ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
          "http1.invalid_transfer_encoding");
      return;
    }
    int code = tooLong ? 431 : 400;
    s.sendLocalReply(code, HttpResponseStatus.valueOf(code).reasonPhrase(),
        ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR, "http1.codec_error");
  }

  /** Netty's rejections of a request's transfer codings (the exception type, or its IllegalArgumentException). */
  private static boolean isTransferEncodingError(Throwable cause) {
    if (cause instanceof TransferEncodingNotAllowedException) {
      return true;
    }
    String m = cause instanceof IllegalArgumentException ? cause.getMessage() : null;
    return m != null && (m.contains("transfer coding") || m.contains("Transfer-Encoding"));
  }

  @Override
  public void writeResponseHeaders(ActiveStream s, HttpResponse resp) {
    HttpHeaders h = resp.headers();
    if (!closeAfterResponse && downstream.drainDecision().drainClose()) {
      stats.downstreamCxDrainClose.inc();
      closeAfterResponse = true;
    }
    if (closeAfterResponse) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    resp.setProtocolVersion(HttpVersion.HTTP_1_1);
    config.headerKeyFormat.format(h);
    if (!config.headerKeyFormat.forwardReasonPhrase() && !Http1ResponseEncoder.isStandard(resp.status())) {
      HeaderKeyFormat.standardReasonPhrase(resp);
    }
    encoder.write(ctx, resp, ctx.voidPromise());
  }

  @Override
  public void writeResponseData(ActiveStream s, HttpContent data, boolean last) {
    if (last) {
      if (!s.requestComplete) {
        closeAfterResponse = true; // the unread rest of the request makes the connection unusable
      }
      if (closeAfterResponse) {
        ChannelPromise p = ctx.newPromise();
        p.addListener(this::closeAfterFlush);
        encoder.write(ctx, data, p);
        encoder.flush(ctx);
        closed = true;
        return;
      }
    }
    encoder.write(ctx, data, ctx.voidPromise());
    encoder.flush(ctx);
  }

  // Writes that come through the channel (a tunnel's bytes, anything not written by this connection itself).

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (encoding) {
      encoder.write(ctx, msg, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (encoding) {
      encoder.flush(ctx);
    } else {
      ctx.flush();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (encoding) {
      encoder.close(ctx, promise); // a response head still held goes out first
    } else {
      ctx.close(promise);
    }
  }

  @Override
  public void onResponseComplete(ActiveStream s) {
    stats.downstreamRqActive.dec();
    stats.downstreamRqCompleted.inc();
    stats.countResponse(s.info.responseCode);
    stats.downstreamRqTime.record(s.info.durationNanos() / 1_000_000);
    idleSinceNanos = s.info.endNanos != 0 ? s.info.endNanos : LoopClock.nanoTime();
    s.destroy(false);
    current = null;
    if (closed) {
      releasePipelined();
      return;
    }
    Channel ch = downstream.channel();
    Object next;
    while (current == null && (next = pipelined.pollFirst()) != null) {
      dispatch(next);
    }
    if (pipelined.isEmpty() && !ch.config().isAutoRead()) {
      // Reading was paused (pipelining, backpressure): resume; turning auto-read on issues the read. When it
      // was never paused the socket is still being read, and the usual keep-alive response costs no read() call.
      ch.config().setAutoRead(true);
    }
  }

  @Override
  public void setReading(boolean enabled) {
    if (current != null && !closed && pipelined.isEmpty()) {
      downstream.channel().config().setAutoRead(enabled);
      if (enabled) {
        downstream.channel().read();
      }
    }
  }

  @Override
  public UpgradeTunnel startTunnel(ActiveStream s, Channel upstream) {
    if (closed || s != current || !pipelined.isEmpty()) {
      return null;
    }
    Channel ch = downstream.channel();
    encoder.flush(ctx); // the 101 goes out through the codec before it leaves
    encoding = false;
    encoder.writeDirectly(false); // the tunnel adds handlers
    stats.downstreamCxUpgradesTotal.inc();
    stats.downstreamCxUpgradesActive.inc();
    s.responseComplete = true; // the stream's timers stop; the tunnel has its own idle timeout
    closed = true;
    UpgradeTunnel tunnel = new UpgradeTunnel(ch, upstream, () -> {
      stats.downstreamCxUpgradesActive.dec();
      onResponseComplete(s); // logs the stream when the tunnel ends
    });
    tunnel.attach(ch, this, ch.pipeline().get(Http1RequestDecoder.class)); // unread bytes go to the tunnel
    tunnel.idleTimeout(UpgradeTunnel.idleMillis(s.route(), config.streamIdleTimeoutMillis));
    return tunnel;
  }

  @Override
  public void resetStream(ActiveStream s) {
    stats.downstreamRqTxReset.inc();
    close();
  }

  /**
   * Envoy's delayed close ({@code delayed_close_timeout}): once the last response is flushed the socket stays
   * open, reading and dropping, until the peer closes or the timeout fires, so that closing with unread request
   * bytes (a TCP reset) does not destroy the response before the client has read it.
   */
  private void closeAfterFlush(Future<? super Void> f) {
    Channel ch = downstream.channel();
    if (!f.isSuccess() || config.delayedCloseTimeoutMillis <= 0 || !ch.isActive()) {
      ch.close();
      return;
    }
    ch.config().setAutoRead(true); // to see the peer's close
    ch.read();
    delayedCloseTimer = ch.eventLoop().schedule(() -> {
      delayedCloseTimer = null;
      if (ch.isActive()) {
        stats.downstreamCxDelayedCloseTimeout.inc();
        ch.close();
      }
    }, config.delayedCloseTimeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void close() {
    closed = true;
    downstream.channel().close();
  }

  private void releasePipelined() {
    Object o;
    while ((o = pipelined.pollFirst()) != null) {
      ReferenceCountUtil.release(o);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && current == null) {
      stats.downstreamCxIdleTimeout.inc();
      close();
      return;
    }
    if (evt instanceof DrainEvent) {
      if (current == null && !closed) {
        stats.downstreamCxDrainClose.inc();
        close();
      }
      return; // a connection with a stream closes after its response (drainDecision)
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ActiveStream s = current;
    if (s != null && s.terminalFilter() instanceof DownstreamWatermarkListener l) {
      l.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
    if (durationTimer != null) {
      durationTimer.cancel(false);
      durationTimer = null;
    }
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (delayedCloseTimer != null) {
      delayedCloseTimer.cancel(false);
      delayedCloseTimer = null;
    }
    stats.downstreamCxActive.dec();
    stats.downstreamCxHttp1Active.dec();
    stats.downstreamCxDestroy.inc();
    stats.downstreamCxLengthMs.record((LoopClock.nanoTime() - openedAtNanos) / 1_000_000);
    ActiveStream s = current;
    current = null;
    if (s != null && !s.responseComplete) {
      stats.downstreamCxDestroyActiveRq.inc();
      stats.downstreamRqActive.dec();
      s.destroy(true);
    }
    releasePipelined();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    close(); // I/O error on the downstream socket; channelInactive cleans up
  }
}
