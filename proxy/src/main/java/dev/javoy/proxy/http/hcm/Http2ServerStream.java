package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h2.Http2Messages;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream of a downstream connection: the child channel's handler and the {@link StreamCodec} of its
 * {@link ActiveStream}. Request HEADERS become the request (pseudo-headers mapped by {@link Http2Messages}),
 * DATA frames its body, a trailing HEADERS frame its trailers; the response goes back as HEADERS, DATA and
 * trailers. A response with no body and no trailers (gRPC's trailers-only responses) is a single HEADERS frame
 * with END_STREAM: the response headers are held until it is clear whether data follows in the same event
 * loop task. Resets are RST_STREAM (NO_ERROR, as Envoy), never a connection close.
 */
final class Http2ServerStream extends ChannelInboundHandlerAdapter implements StreamCodec {
  private static final String HTTP2 = "HTTP/2";

  private final Http2ServerConnection connection;
  private final Http2StreamChannel channel;
  private final HttpConnectionManagerConfig config;
  private final HcmStats stats;
  private ActiveStream stream;
  private boolean requestEnded;
  private boolean headRequest;
  private boolean responseEnded;
  private boolean ended;
  /** Response headers not written yet: they may still become a HEADERS frame with END_STREAM. */
  private Http2Headers heldHeaders;
  private ChannelFuture lastWrite;
  private long openedAtNanos;

  Http2ServerStream(Http2ServerConnection connection, Http2StreamChannel channel) {
    this.connection = connection;
    this.channel = channel;
    this.config = connection.config();
    this.stats = config.stats;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    openedAtNanos = System.nanoTime();
    connection.streamStarted();
  }

  // ---- request ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (ended) {
      ReferenceCountUtil.release(msg);
    } else if (msg instanceof Http2HeadersFrame h) {
      if (stream == null) {
        onRequestHeaders(h);
      } else {
        onRequestTrailers(h);
      }
    } else if (msg instanceof Http2DataFrame d) {
      onRequestData(d);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2ResetFrame) {
      end(true); // the multiplexer hands RST_STREAM over as an event (it is not flow-controlled)
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onRequestHeaders(Http2HeadersFrame frame) {
    HttpRequest req;
    try {
      req = Http2Messages.toRequest(frame.headers(), frame.isEndStream(), config.http2.allowConnect);
    } catch (Http2Messages.InvalidMessageException e) {
      messagingError();
      return;
    }
    requestEnded = frame.isEndStream();
    headRequest = HttpMethod.HEAD.equals(req.method());
    stats.downstreamRqTotal.inc();
    stats.downstreamRqHttp2Total.inc();
    stats.downstreamRqActive.inc();
    ActiveStream s = new ActiveStream(this, config);
    stream = s;
    if (req.headers().size() > config.maxHeadersCount) {
      stats.downstreamRqTooLarge.inc();
      s.info.requestHeaders = req;
      s.requestComplete = true;
      s.sendLocalReply(431, "Request Header Fields Too Large", ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
          "http2.too_many_headers");
      return;
    }
    if (!req.headers().contains(HttpHeaderNames.HOST)) {
      s.info.requestHeaders = req;
      s.requestComplete = true;
      s.sendLocalReply(400, "", null, "missing_host_header");
      return;
    }
    s.decodeHeaders(req, requestEnded);
  }

  private void onRequestTrailers(Http2HeadersFrame frame) {
    LastHttpContent trailers;
    try {
      trailers = Http2Messages.toTrailers(frame.headers());
    } catch (Http2Messages.InvalidMessageException e) {
      messagingError();
      return;
    }
    connection.h2stats().trailers.inc();
    if (requestEnded) {
      trailers.release();
      return;
    }
    requestEnded = true;
    stream.decodeData(trailers, true);
  }

  private void onRequestData(Http2DataFrame d) {
    if (stream == null || requestEnded) {
      d.release();
      return;
    }
    boolean last = d.isEndStream();
    requestEnded = last;
    ByteBuf content = d.content();
    stream.decodeData(last ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content), last);
  }

  /** Resets the stream with PROTOCOL_ERROR, which the connection counts as invalid messaging. */
  private void messagingError() {
    channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
    end(false);
  }

  // ---- response (StreamCodec) ----

  @Override
  public DownstreamConnection downstream() {
    return connection.downstream();
  }

  @Override
  public String protocol(HttpRequest request) {
    return HTTP2;
  }

  @Override
  public void writeResponseHeaders(ActiveStream s, HttpResponse response) {
    if (ended) {
      return;
    }
    connection.onResponseHeaders();
    heldHeaders = Http2Messages.fromResponse(response);
    channel.eventLoop().execute(this::writeHeldHeaders);
  }

  private void writeHeldHeaders() {
    Http2Headers h = heldHeaders;
    if (h != null && !ended) {
      heldHeaders = null;
      lastWrite = channel.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
    }
  }

  @Override
  public void writeResponseData(ActiveStream s, HttpContent data, boolean last) {
    if (ended || responseEnded) {
      data.release();
      return;
    }
    ByteBuf buf = data.content();
    if (headRequest && buf.isReadable()) {
      buf.skipBytes(buf.readableBytes()); // as Envoy: a HEAD response has headers only
    }
    LastHttpContent trailers = last && data instanceof LastHttpContent l && !l.trailingHeaders().isEmpty() ? l : null;
    boolean endsWithData = last && trailers == null;
    responseEnded = last;
    Http2Headers h = heldHeaders;
    if (h != null) {
      heldHeaders = null;
      boolean headersOnly = endsWithData && !buf.isReadable();
      lastWrite = channel.write(new DefaultHttp2HeadersFrame(h, headersOnly));
      if (headersOnly) {
        data.release();
        channel.flush();
        return;
      }
    }
    Http2Headers trailerBlock = trailers == null ? null : Http2Messages.fromTrailers(trailers.trailingHeaders());
    if (buf.isReadable() || endsWithData) {
      lastWrite = channel.write(new DefaultHttp2DataFrame(buf, endsWithData)); // the frame owns the buffer now
    } else {
      data.release();
    }
    if (trailerBlock != null) {
      lastWrite = channel.write(new DefaultHttp2HeadersFrame(trailerBlock, true));
    }
    channel.flush();
  }

  @Override
  public void onResponseComplete(ActiveStream s) {
    stats.downstreamRqActive.dec();
    stats.downstreamRqCompleted.inc();
    stats.countResponse(s.info.responseCode);
    stats.downstreamRqTime.record(s.info.durationNanos() / 1_000_000);
    channel.flush();
    if (!requestEnded && lastWrite != null) {
      // As Envoy: the response is complete, the rest of the request is not wanted. The reset waits for the
      // response's last frame to leave (a reset discards what flow control still holds back).
      lastWrite.addListener(f -> {
        if (channel.isActive()) {
          channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
      });
    }
    ended = true;
    s.destroy(false);
    connection.streamEnded(false);
  }

  @Override
  public void setReading(boolean enabled) {
    if (!ended) {
      channel.config().setAutoRead(enabled);
      if (enabled) {
        channel.read();
      }
    }
  }

  @Override
  public boolean writable() {
    return channel.isWritable();
  }

  @Override
  public void resetStream(ActiveStream s) {
    stats.downstreamRqTxReset.inc();
    if (!ended) {
      heldHeaders = null;
      channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
      end(false);
    }
  }

  // ---- stream end ----

  /** The stream is over without a complete response: reset by the client or by javoy, or the connection went. */
  private void end(boolean resetByClient) {
    if (ended) {
      return;
    }
    ended = true;
    heldHeaders = null;
    ActiveStream s = stream;
    boolean premature = false;
    if (s != null) {
      stats.downstreamRqActive.dec();
      if (resetByClient) {
        premature = s.info.responseCode == 0
            && (System.nanoTime() - openedAtNanos) / 1_000_000_000L <= Http2ServerConnection.PREMATURE_RESET_MIN_STREAM_LIFETIME_SECONDS;
        s.info.setResponseFlag(ResponseFlag.DOWNSTREAM_REMOTE_RESET);
        stats.downstreamRqRxReset.inc();
        s.destroy(false);
      } else {
        s.destroy(!channel.parent().isActive());
      }
    }
    connection.streamEnded(premature);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ActiveStream s = stream;
    if (s != null && !ended && s.terminalFilter() instanceof DownstreamWatermarkListener l) {
      l.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end(false);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException) {
      end(false); // the codec found the stream's frames invalid and has reset it
    } else {
      ctx.close();
    }
  }
}
