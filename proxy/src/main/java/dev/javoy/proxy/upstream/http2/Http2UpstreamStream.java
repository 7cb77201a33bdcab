package dev.javoy.proxy.upstream.http2;

import dev.javoy.proxy.http.h2.Http2Messages;
import dev.javoy.proxy.upstream.UpstreamStream;
import dev.javoy.proxy.upstream.http1.ResponseHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
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
 * One HTTP/2 stream to an upstream host: the child channel's handler. The request goes out as HEADERS (held
 * until it is known whether the request ends with them, so a body-less request is a single HEADERS frame with
 * END_STREAM), DATA and trailers; the response comes back to the {@link ResponseHandler} as the same message
 * model HTTP/1.1 upstreams produce, with a HEADERS frame carrying END_STREAM (gRPC's trailers-only response)
 * delivered as headers plus an empty end. Informational (1xx) responses are dropped, as for HTTP/1.1.
 */
final class Http2UpstreamStream extends ChannelInboundHandlerAdapter implements UpstreamStream {
  private static final String SCHEME = "http";

  private final Http2UpstreamConnection connection;
  private Http2StreamChannel channel;
  private ResponseHandler handler;
  private Http2Headers heldHeaders;
  private boolean headersSent;
  private boolean responseStarted;
  private boolean done;
  private boolean closeReported;

  Http2UpstreamStream(Http2UpstreamConnection connection) {
    this.connection = connection;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = (Http2StreamChannel) ctx.channel();
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public void startStream(ResponseHandler h) {
    this.handler = h;
  }

  // ---- request ----

  @Override
  public void write(HttpObject msg, boolean last, boolean flush) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest req) {
      heldHeaders = Http2Messages.fromRequest(req, SCHEME);
    }
    if (msg instanceof HttpContent c) {
      writeContent(c, last);
    }
    if (flush) {
      flush();
    }
  }

  private void writeContent(HttpContent c, boolean last) {
    ByteBuf buf = c.content();
    LastHttpContent trailers = last && c instanceof LastHttpContent l && !l.trailingHeaders().isEmpty() ? l : null;
    boolean endsWithData = last && trailers == null;
    Http2Headers h = heldHeaders;
    if (h != null) {
      heldHeaders = null;
      boolean headersOnly = endsWithData && !buf.isReadable();
      writeHeaders(h, headersOnly);
      if (headersOnly) {
        c.release();
        return;
      }
    }
    Http2Headers trailerBlock = trailers == null ? null : Http2Messages.fromTrailers(trailers.trailingHeaders());
    if (buf.isReadable() || endsWithData) {
      channel.write(new DefaultHttp2DataFrame(buf, endsWithData), channel.voidPromise());
    } else {
      c.release();
    }
    if (trailerBlock != null) {
      channel.write(new DefaultHttp2HeadersFrame(trailerBlock, true), channel.voidPromise());
    }
  }

  private void writeHeaders(Http2Headers h, boolean endStream) {
    headersSent = true;
    channel.write(new DefaultHttp2HeadersFrame(h, endStream)).addListener(f -> {
      if (!f.isSuccess()) {
        fail("connection failure"); // e.g. the connection refused more streams
      }
    });
  }

  @Override
  public void flush() {
    Http2Headers h = heldHeaders;
    if (h != null && !done) {
      heldHeaders = null;
      writeHeaders(h, false);
    }
    channel.flush();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void reset() {
    if (done) {
      return;
    }
    done = true;
    handler = null;
    heldHeaders = null;
    if (headersSent && channel.isActive()) {
      channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR)); // as Envoy's local reset
    } else {
      channel.close();
    }
  }

  // ---- response ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ResponseHandler h = handler;
    if (h == null) {
      ReferenceCountUtil.release(msg);
    } else if (msg instanceof Http2HeadersFrame f) {
      onHeaders(h, f);
    } else if (msg instanceof Http2DataFrame d) {
      boolean last = d.isEndStream();
      if (last) {
        handler = null;
      }
      h.onResponseData(last ? new DefaultLastHttpContent(d.content()) : new DefaultHttpContent(d.content()), last);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2ResetFrame r) { // RST_STREAM comes as an event: it is not flow-controlled
      if (r.errorCode() == Http2Error.REFUSED_STREAM.code()) {
        connection.h2stats().streamRefusedErrors.inc();
        fail("remote refused stream reset");
      } else {
        fail("remote reset");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onHeaders(ResponseHandler h, Http2HeadersFrame f) {
    try {
      if (!responseStarted) {
        HttpResponse resp = Http2Messages.toResponse(f.headers());
        int code = resp.status().code();
        if (code >= 100 && code < 200 && code != 101) {
          return; // informational: the final response follows
        }
        responseStarted = true;
        h.onResponseHeaders(resp);
        if (f.isEndStream() && handler != null) {
          handler = null;
          h.onResponseData(LastHttpContent.EMPTY_LAST_CONTENT, true);
        }
      } else {
        LastHttpContent trailers = Http2Messages.toTrailers(f.headers());
        handler = null;
        h.onResponseData(trailers, true);
      }
    } catch (Http2Messages.InvalidMessageException e) {
      connection.h2stats().rxMessagingError.inc();
      channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
      fail("protocol error: " + e.getMessage());
    }
  }

  /** The stream ended before its response did. */
  private void fail(String reason) {
    ResponseHandler h = handler;
    handler = null;
    done = true;
    if (h != null) {
      h.onUpstreamReset(reason);
    }
  }

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
    fail(channel.parent().isActive() ? "remote reset" : "connection termination");
    reportClosed();
  }

  /** Tells the connection this stream is over, once. */
  void reportClosed() {
    if (!closeReported) {
      closeReported = true;
      connection.streamClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException) {
      connection.h2stats().rxMessagingError.inc();
      fail("protocol error");
    }
    ctx.close();
  }
}
