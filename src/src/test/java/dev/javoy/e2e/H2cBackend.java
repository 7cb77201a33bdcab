package dev.javoy.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A prior-knowledge h2c server for end-to-end tests (Netty): answers {@code H2 <method> <path> host=<authority>}
 * plus {@code body=...} when the request had one; {@code /trailers...} adds an {@code x-trailer} trailer;
 * a path containing {@code /hang} is never answered; {@code /slow...} answers after a second; {@code /goaway...} answers, then sends
 * GOAWAY on its connection. Counts connections (opened and closed), streams and the resets it receives.
 */
final class H2cBackend implements AutoCloseable {
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger connectionsClosed = new AtomicInteger();
  final AtomicInteger streams = new AtomicInteger();
  final AtomicInteger resetsReceived = new AtomicInteger();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel server;

  H2cBackend() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.incrementAndGet();
            ch.closeFuture().addListener(f -> connectionsClosed.incrementAndGet());
            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                .decoderEnforceMaxRstFramesPerWindow(0, 0) // javoy passes on the resets of rapid-reset tests
                .build());
            ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel stream) {
                streams.incrementAndGet();
                stream.pipeline().addLast(new StreamHandler());
              }
            }));
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

  private final class StreamHandler extends ChannelInboundHandlerAdapter {
    private Http2Headers request;
    private final StringBuilder body = new StringBuilder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        boolean end = false;
        if (msg instanceof Http2HeadersFrame h) {
          if (request == null) {
            request = h.headers();
          }
          end = h.isEndStream();
        } else if (msg instanceof Http2DataFrame d) {
          body.append(d.content().toString(StandardCharsets.UTF_8));
          end = d.isEndStream();
        }
        if (end) {
          respond(ctx);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof Http2ResetFrame) {
        resetsReceived.incrementAndGet();
      }
      ctx.fireUserEventTriggered(evt);
    }

    private void respond(ChannelHandlerContext ctx) {
      String path = request.path().toString();
      if (path.contains("/hang")) {
        return;
      }
      if (path.startsWith("/slow")) {
        ctx.executor().schedule(() -> send(ctx, path), 1, java.util.concurrent.TimeUnit.SECONDS);
        return;
      }
      send(ctx, path);
      if (path.startsWith("/goaway")) {
        ctx.channel().parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
      }
    }

    private void send(ChannelHandlerContext ctx, String path) {
      String text = "H2 " + request.method() + " " + path + " host=" + request.authority()
          + (body.length() > 0 ? " body=" + body : "");
      Http2Headers h = new DefaultHttp2Headers().status("200").set("content-type", "text/plain")
          .set("x-backend", "H2");
      boolean trailers = path.startsWith("/trailers");
      ctx.write(new DefaultHttp2HeadersFrame(h, false));
      ByteBuf out = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
      ctx.write(new DefaultHttp2DataFrame(out, !trailers));
      if (trailers) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("x-trailer", "t"), true));
      }
      ctx.flush();
    }
  }
}
