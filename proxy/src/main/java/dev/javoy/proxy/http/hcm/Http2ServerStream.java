package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.http.h2.Http2Messages;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
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
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.util.ArrayDeque;

/**
 * One HTTP/2 stream of a downstream connection and the {@link StreamCodec} of its {@link ActiveStream}. There is
 * no channel per stream: {@link Http2ServerConnection} hands this object the frames of its stream as the codec
 * reads them, and this object writes its frames through the connection's handler context. Request HEADERS become
 * the request (pseudo-headers mapped by {@link Http2Messages}), DATA frames its body, a trailing HEADERS frame its
 * trailers; the response goes back as HEADERS, DATA and trailers. A response with no body and no trailers (gRPC's
 * trailers-only responses) is a single HEADERS frame with END_STREAM: the response headers are held until it is
 * clear whether data follows before the connection's next flush. Resets are RST_STREAM (NO_ERROR, as Envoy),
 * never a connection close.
 *
 * <p>Flow control: while reading is paused ({@link #setReading}) the stream's DATA and trailers wait here and
 * their bytes are not returned to the peer's window (no WINDOW_UPDATE), so the client stops at the stream window;
 * bytes are consumed once the frame was handed on. Writability is the stream's send window (and the connection's,
 * and the socket's), as the codec's remote flow controller sees it.
 */
final class Http2ServerStream implements StreamCodec {
  private static final String HTTP2 = "HTTP/2";

  private final Http2ServerConnection connection;
  private final Http2FrameStream frameStream;
  /** The codec's stream (for flow control); null once it is gone. */
  private final Http2Stream codecStream;
  private final HttpConnectionManagerConfig config;
  private final HcmStats stats;
  private final long openedAtNanos;
  private ActiveStream stream;
  private boolean requestEnded;
  private boolean headRequest;
  private boolean responseEnded;
  private boolean ended;
  private boolean reading = true;
  private boolean delivering;
  /** DATA and trailers read while reading is paused; allocated only then. */
  private ArrayDeque<Http2StreamFrame> pendingInbound;
  /** Response headers not written yet: they may still become a HEADERS frame with END_STREAM. */
  private Http2Headers heldHeaders;
  /** The promise of the last frame written while the request was not over (for the reset that follows it). */
  private ChannelFuture lastWrite;

  Http2ServerStream(Http2ServerConnection connection, Http2FrameStream frameStream, Http2Stream codecStream) {
    this.connection = connection;
    this.frameStream = frameStream;
    this.codecStream = codecStream;
    this.config = connection.config();
    this.stats = config.stats;
    this.openedAtNanos = LoopClock.nanoTime();
  }

  int id() {
    return frameStream.id();
  }

  // ---- request (frames from the connection) ----

  void onHeadersFrame(Http2HeadersFrame h) {
    if (ended) {
      return;
    }
    if (stream == null) {
      onRequestHeaders(h);
    } else if (reading && pendingInbound == null) {
      onRequestTrailers(h);
    } else {
      queue(h);
    }
  }

  void onDataFrame(Http2DataFrame d) {
    if (ended) {
      int bytes = d.initialFlowControlledBytes();
      d.release();
      connection.consumeBytes(codecStream, bytes);
      return;
    }
    if (reading && pendingInbound == null) {
      deliverData(d);
    } else {
      queue(d);
    }
  }

  /** RST_STREAM from the client. */
  void onResetFrame() {
    end(true);
  }

  /** The codec closed the stream (both sides ended, reset, or the connection went). */
  void onStreamClosed() {
    end(false);
    releasePending();
  }

  /** The codec found the stream's frames invalid (it resets the stream with {@code error}). */
  void onStreamError(Http2Error error) {
    if (codecStream == null || codecStream.state() != Http2Stream.State.CLOSED) {
      connection.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(frameStream));
    }
    end(false);
  }

  void onWritabilityChanged() {
    ActiveStream s = stream;
    if (s != null && !ended && s.terminalFilter() instanceof DownstreamWatermarkListener l) {
      l.onDownstreamWritabilityChanged(writable());
    }
  }

  private void queue(Http2StreamFrame frame) {
    if (pendingInbound == null) {
      pendingInbound = new ArrayDeque<>(4);
    }
    pendingInbound.add(frame);
  }

  private void deliverPending() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      ArrayDeque<Http2StreamFrame> q = pendingInbound;
      while (q != null && reading && !ended) {
        Http2StreamFrame f = q.poll();
        if (f == null) {
          pendingInbound = null;
          break;
        }
        if (f instanceof Http2DataFrame d) {
          deliverData(d);
        } else {
          onRequestTrailers((Http2HeadersFrame) f);
        }
      }
    } finally {
      delivering = false;
    }
    if (ended) {
      releasePending();
    }
  }

  private void releasePending() {
    ArrayDeque<Http2StreamFrame> q = pendingInbound;
    if (q != null) {
      pendingInbound = null;
      Http2StreamFrame f;
      while ((f = q.poll()) != null) {
        if (f instanceof Http2DataFrame d) {
          int bytes = d.initialFlowControlledBytes();
          d.release();
          connection.consumeBytes(codecStream, bytes);
        }
      }
    }
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
    ActiveStream s = ActiveStream.open(this, config); // a stream object of this worker's that ended, if any
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

  private void deliverData(Http2DataFrame d) {
    int bytes = d.initialFlowControlledBytes();
    if (stream == null || requestEnded) {
      d.release();
    } else {
      boolean last = d.isEndStream();
      requestEnded = last;
      ByteBuf content = d.content();
      stream.decodeData(last ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content), last);
    }
    connection.consumeBytes(codecStream, bytes);
  }

  /** Resets the stream with PROTOCOL_ERROR, which the connection counts as invalid messaging. */
  private void messagingError() {
    connection.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR).stream(frameStream));
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
    connection.holdHeaders(this);
  }

  /** Writes the held response headers, if they are still held (the connection calls this before it flushes). */
  void writeHeldHeaders() {
    Http2Headers h = heldHeaders;
    if (h != null && !ended) {
      heldHeaders = null;
      connection.write(new DefaultHttp2HeadersFrame(h, false).stream(frameStream), promise());
    }
  }

  /** A real promise only while the request is not over (a reset may have to wait for the write). */
  private ChannelPromise promise() {
    if (requestEnded) {
      return connection.voidPromise();
    }
    ChannelPromise p = connection.newPromise();
    lastWrite = p;
    return p;
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
      connection.write(new DefaultHttp2HeadersFrame(h, headersOnly).stream(frameStream), promise());
      if (headersOnly) {
        data.release();
        connection.requestFlush();
        return;
      }
    }
    Http2Headers trailerBlock = trailers == null ? null : Http2Messages.fromTrailers(trailers.trailingHeaders());
    if (buf.isReadable() || endsWithData) {
      // the frame owns the buffer now
      connection.write(new DefaultHttp2DataFrame(buf, endsWithData).stream(frameStream), promise());
    } else {
      data.release();
    }
    if (trailerBlock != null) {
      connection.write(new DefaultHttp2HeadersFrame(trailerBlock, true).stream(frameStream), promise());
    }
    connection.requestFlush();
  }

  @Override
  public void onResponseComplete(ActiveStream s) {
    stats.downstreamRqActive.dec();
    stats.downstreamRqCompleted.inc();
    stats.countResponse(s.info.responseCode);
    stats.downstreamRqTime.record(s.info.durationNanos() / 1_000_000);
    writeHeldHeaders();
    connection.requestFlush();
    if (!requestEnded && lastWrite != null) {
      // As Envoy: the response is complete, the rest of the request is not wanted. The reset waits for the
      // response's last frame to leave (a reset discards what flow control still holds back).
      connection.flushNow();
      lastWrite.addListener(f -> {
        if (connection.isActive()) {
          connection.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(frameStream));
        }
      });
    }
    ended = true;
    lastWrite = null;
    stream = null; // the stream object may serve another stream once destroyed
    s.destroy(false);
    releasePending();
    connection.streamEnded(false);
  }

  @Override
  public void setReading(boolean enabled) {
    if (!ended && reading != enabled) {
      reading = enabled;
      if (enabled && pendingInbound != null) {
        deliverPending();
      }
    }
  }

  @Override
  public boolean writable() {
    return !ended && connection.isWritable(codecStream);
  }

  @Override
  public void resetStream(ActiveStream s) {
    stats.downstreamRqTxReset.inc();
    if (!ended) {
      heldHeaders = null;
      connection.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(frameStream));
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
    lastWrite = null;
    ActiveStream s = stream;
    stream = null; // the stream object may serve another stream once destroyed
    boolean premature = false;
    if (s != null) {
      stats.downstreamRqActive.dec();
      if (resetByClient) {
        premature = s.info.responseCode == 0
            && (LoopClock.nanoTime() - openedAtNanos) / 1_000_000_000L <= Http2ServerConnection.PREMATURE_RESET_MIN_STREAM_LIFETIME_SECONDS;
        s.info.setResponseFlag(ResponseFlag.DOWNSTREAM_REMOTE_RESET);
        stats.downstreamRqRxReset.inc();
        s.destroy(false);
      } else {
        s.destroy(!connection.isActive());
      }
    }
    releasePending();
    connection.streamEnded(premature);
  }
}
