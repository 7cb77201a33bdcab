package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.DrainEvent;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The HTTP/1.1 side of the connection manager for one downstream connection: turns decoded requests into
 * {@link ActiveStream}s one at a time (pipelined requests wait their turn), writes responses with Envoy's
 * response header handling, and enforces keep-alive, HTTP/1.0 and protocol-error rules.
 */
final class Http1ServerConnection extends ChannelInboundHandlerAdapter implements StreamCodec {
  private static final HttpResponseStatus UPGRADE_REQUIRED = HttpResponseStatus.valueOf(426);

  private final HttpConnectionManagerConfig config;
  private final DownstreamConnection downstream;
  private final HcmStats stats;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  private ActiveStream current;
  private boolean closeAfterResponse;
  private boolean closed;
  /** The request just started has no body: the codec's empty end-of-message that follows is dropped. */
  private boolean dropEmptyLast;
  private long openedAtNanos;

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

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    openedAtNanos = System.nanoTime();
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    stats.downstreamCxHttp1Total.inc();
    stats.downstreamCxHttp1Active.inc();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closed) {
      ReferenceCountUtil.release(msg);
      return;
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
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest req) {
      if (req.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
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
    ActiveStream s = new ActiveStream(this, config);
    current = s;
    HttpHeaders h = req.headers();
    if (!HttpUtil.isKeepAlive(req)) {
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
    if (!h.contains(HttpHeaderNames.HOST)) {
      s.info.requestHeaders = req;
      s.sendLocalReply(400, "", null, "missing_host_header");
      closeAfterResponse = true;
      return;
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      // As Envoy (proxy_100_continue off): answer 100 Continue here and do not forward the expectation.
      h.remove(HttpHeaderNames.EXPECT);
      downstream.channel().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    boolean bodyless = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0;
    if (bodyless) {
      dropEmptyLast = true;
    }
    s.decodeHeaders(req, bodyless);
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
    int code = tooLong ? 431 : 400;
    s.sendLocalReply(code, HttpResponseStatus.valueOf(code).reasonPhrase(),
        ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR, "http1.codec_error");
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
    downstream.channel().write(resp, downstream.channel().voidPromise());
  }

  @Override
  public void writeResponseData(ActiveStream s, HttpContent data, boolean last) {
    Channel ch = downstream.channel();
    if (last) {
      if (!s.requestComplete) {
        closeAfterResponse = true; // the unread rest of the request makes the connection unusable
      }
      if (closeAfterResponse) {
        ch.writeAndFlush(data).addListener(ChannelFutureListener.CLOSE);
        closed = true;
        return;
      }
    }
    ch.writeAndFlush(data, ch.voidPromise());
  }

  @Override
  public void onResponseComplete(ActiveStream s) {
    stats.downstreamRqActive.dec();
    stats.downstreamRqCompleted.inc();
    stats.countResponse(s.info.responseCode);
    stats.downstreamRqTime.record(s.info.durationNanos() / 1_000_000);
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
    if (pipelined.isEmpty()) {
      ch.config().setAutoRead(true);
      ch.read();
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
  public void resetStream(ActiveStream s) {
    stats.downstreamRqTxReset.inc();
    close();
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
    stats.downstreamCxActive.dec();
    stats.downstreamCxHttp1Active.dec();
    stats.downstreamCxDestroy.inc();
    stats.downstreamCxLengthMs.record((System.nanoTime() - openedAtNanos) / 1_000_000);
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
