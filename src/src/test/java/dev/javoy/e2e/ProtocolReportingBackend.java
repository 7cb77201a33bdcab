package dev.javoy.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A cleartext backend that speaks HTTP/1.1 and prior-knowledge HTTP/2 on one port (chosen by the connection's first
 * bytes) and answers each request with the protocol it arrived in: {@code HTTP/1.1} or {@code HTTP/2}; a path
 * starting with {@code /slow} is answered after two seconds.
 */
final class ProtocolReportingBackend implements AutoCloseable {
  private static final byte[] PREFACE_START = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;

  ProtocolReportingBackend() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ProtocolDetector());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static final class ProtocolDetector extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < PREFACE_START.length) {
        return;
      }
      boolean h2 = true;
      for (int i = 0; i < PREFACE_START.length; i++) {
        h2 &= in.getByte(in.readerIndex() + i) == PREFACE_START[i];
      }
      if (h2) {
        ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
            new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new H2Handler());
              }
            }));
      } else {
        ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new H1Handler());
      }
      ctx.pipeline().remove(this); // hands the bytes read so far to the codec
    }
  }

  private static final class H1Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
          Unpooled.copiedBuffer(req.protocolVersion().text(), StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      HttpUtil.setContentLength(res, res.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      Runnable send = () -> {
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
          f.addListener(ChannelFutureListener.CLOSE);
        }
      };
      if (req.uri().startsWith("/slow")) {
        ctx.executor().schedule(send, 2, java.util.concurrent.TimeUnit.SECONDS);
      } else {
        send.run();
      }
    }
  }

  private static final class H2Handler extends SimpleChannelInboundHandler<Http2StreamFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      boolean end = frame instanceof Http2HeadersFrame h ? h.isEndStream()
          : frame instanceof io.netty.handler.codec.http2.Http2DataFrame d && d.isEndStream();
      if (end) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
            .set("content-type", "text/plain"), false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("HTTP/2", StandardCharsets.UTF_8), true));
      }
    }
  }
}
