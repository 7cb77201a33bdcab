package dev.javoy.proxy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ConnectionIdleTimeout} on real sockets: fires after the timeout without reads or writes, not before. */
class ConnectionIdleTimeoutTest {
  private static final long TIMEOUT_MS = 300;

  private EventLoopGroup group;
  private Channel server;
  private final BlockingQueue<Long> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
  private volatile long lastActivity;

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ConnectionIdleTimeout(TIMEOUT_MS), new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                lastActivity = System.nanoTime();
                ctx.writeAndFlush(msg); // echo: a read and a write
              }

              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IdleStateEvent) {
                  events.add(System.nanoTime());
                  ctx.close();
                }
              }
            });
            accepted.add(ch);
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterEach
  void stop() throws Exception {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private Channel connect() throws Exception {
    return new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
      }
    }).connect(server.localAddress()).sync().channel();
  }

  @Test
  void idleConnectionGetsTheEvent() throws Exception {
    long start = System.nanoTime();
    Channel c = connect();
    Long at = events.poll(10, TimeUnit.SECONDS);
    assertNotNull(at, "no idle event");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(at - start) >= TIMEOUT_MS - 20, "fired too early");
    assertTrue(c.closeFuture().await(10, TimeUnit.SECONDS));
  }

  @Test
  void activityPostponesTheEvent() throws Exception {
    Channel c = connect();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS * 4);
    while (System.nanoTime() < end) {
      c.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)).sync();
      Thread.sleep(TIMEOUT_MS / 5);
    }
    assertNull(events.poll(0, TimeUnit.MILLISECONDS), "fired while the connection was busy");
    Long at = events.poll(10, TimeUnit.SECONDS);
    assertNotNull(at, "no idle event after the activity stopped");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(at - lastActivity) >= TIMEOUT_MS - 20, "fired too early");
  }

  @Test
  void isFoundAsAnIdleStateHandlerAndStopsWhenRemoved() throws Exception {
    connect();
    Channel ch = accepted.poll(10, TimeUnit.SECONDS);
    assertNotNull(ch);
    ch.eventLoop().submit(() -> {
      assertNotNull(ch.pipeline().get(IdleStateHandler.class));
      ch.pipeline().remove(IdleStateHandler.class);
    }).sync();
    assertNull(events.poll(TIMEOUT_MS * 3, TimeUnit.MILLISECONDS), "fired after removal");
    assertEquals(true, ch.isOpen());
  }
}
