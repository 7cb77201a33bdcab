package dev.javoy.proxy.http.upgrade;

import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.upstream.http1.Http1UpstreamConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import dev.javoy.proxy.http.h1.Http1RequestEncoder;
import dev.javoy.proxy.http.h1.Http1ResponseDecoder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * An HTTP/2 extended CONNECT stream (RFC 8441) tunnelled to an HTTP/1.1 upstream that answered the converted
 * upgrade with {@code 101}: the upstream connection loses its codec, its bytes become the stream's DATA frames
 * and the stream's DATA frames its bytes; END_STREAM is a FIN each way. Backpressure both ways.
 */
final class StreamTunnel implements Tunnel {
  private final HttpFilterCallbacks callbacks;
  private final Channel upstream;
  private boolean closed;
  private boolean responseEnded;

  StreamTunnel(HttpFilterCallbacks callbacks, Channel upstream) {
    this.callbacks = callbacks;
    this.upstream = upstream;
  }

  void attach(Http1UpstreamConnection conn) {
    conn.detachForTunnel();
    attach((ChannelHandler) conn);
  }

  /** Relays the upstream channel's bytes, inserted before {@code before}; its HTTP codec, if any, goes. */
  void attach(ChannelHandler before) {
    ChannelPipeline p = upstream.pipeline();
    p.addBefore(p.context(before).name(), null, new UpstreamSide());
    Http1ResponseDecoder decoder = p.get(Http1ResponseDecoder.class);
    if (decoder != null) {
      p.remove(decoder); // its unread bytes go on to the relay
    }
    Http1RequestEncoder encoder = p.get(Http1RequestEncoder.class);
    if (encoder != null) {
      p.remove(encoder);
    }
    if (upstream instanceof DuplexChannel) {
      dev.javoy.proxy.network.HalfClosure.allow(upstream); // h-tlsperf: epoll half-close workaround
    }
    if (!upstream.isActive()) {
      endResponse();
      return;
    }
    upstream.config().setAutoRead(callbacks.downstreamWritable());
    upstream.read();
  }

  @Override
  public void onDownstreamData(HttpContent data, boolean endStream) {
    if (closed) {
      return;
    }
    ByteBuf b = data.content();
    if (b.isReadable()) {
      upstream.writeAndFlush(b.retain(), upstream.voidPromise());
    }
    if (endStream) {
      if (upstream instanceof DuplexChannel d) {
        upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> d.shutdownOutput());
      } else {
        upstream.close();
      }
    } else if (!upstream.isWritable()) {
      callbacks.setDownstreamReading(false);
    }
  }

  @Override
  public void onDownstreamWritabilityChanged(boolean writable) {
    if (!closed && upstream.isActive()) {
      upstream.config().setAutoRead(writable);
      if (writable) {
        upstream.read();
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    upstream.close();
  }

  /** The upstream's bytes are over: the stream's response ends (END_STREAM). */
  private void endResponse() {
    if (closed || responseEnded) {
      return;
    }
    responseEnded = true;
    callbacks.encodeData(LastHttpContent.EMPTY_LAST_CONTENT, true);
  }

  private final class UpstreamSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (closed || responseEnded || !(msg instanceof ByteBuf buf) || !buf.isReadable()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      callbacks.encodeData(new DefaultHttpContent(buf), false);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (!closed && !callbacks.downstreamWritable()) {
        upstream.config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (!closed) {
        callbacks.setDownstreamReading(upstream.isWritable());
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        endResponse();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      endResponse();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      upstream.close();
    }
  }
}
