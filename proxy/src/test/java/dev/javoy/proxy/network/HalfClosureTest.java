package dev.javoy.proxy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollInterestKeeper;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The epoll half-close workaround on a bare Netty server channel: after the client's FIN, many MiB written into a
 * full socket buffer all arrive (Netty 4.2.18 alone lost them), and a channel whose both directions are shut but
 * which is still open does not make its event loop spin on the EPOLLHUP epoll keeps reporting.
 */
class HalfClosureTest {
  private EventLoopGroup group;
  private Channel server;
  private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
  private final CompletableFuture<Void> inputShut = new CompletableFuture<>();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
        .childHandler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelActive(ChannelHandlerContext ctx) {
            HalfClosure.allow(ctx.channel());
            accepted.complete(ctx.channel());
          }

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
          }

          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
              inputShut.complete(null);
            }
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  @AfterEach
  void tearDown() {
    if (group != null) {
      server.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Test
  void writesAfterThePeersFinIntoAFullSocketBufferAllArrive() throws Exception {
    int total = 0;
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
      s.setSoTimeout(30_000);
      Channel ch = accepted.get(10, TimeUnit.SECONDS);
      s.shutdownOutput();
      inputShut.get(10, TimeUnit.SECONDS); // input shut, nothing pending to write: the interest set is minimal
      byte[] chunk = new byte[256 * 1024];
      ch.eventLoop().execute(() -> {
        for (int i = 0; i < 64; i++) { // 16 MiB: far more than the socket buffers hold, so EPOLLOUT is needed
          ch.write(Unpooled.wrappedBuffer(chunk));
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ((DuplexChannel) ch).shutdownOutput());
      });
      Thread.sleep(200); // let the buffers fill before reading
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
    }
    assertEquals(64 * 256 * 1024, total);
  }

  @Test
  void bothDirectionsShutButOpenDoesNotSpin() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
      Channel ch = accepted.get(10, TimeUnit.SECONDS);
      s.shutdownOutput();
      inputShut.get(10, TimeUnit.SECONDS);
      assertTrue(ch.eventLoop().submit(() -> EpollInterestKeeper.isKept(ch)).get(), "kept while writing");
      ((DuplexChannel) ch).shutdownOutput().sync();
      assertEquals(-1, s.getInputStream().read());
      assertFalse(ch.eventLoop().submit(() -> EpollInterestKeeper.isKept(ch)).get(), "released with the output");
      long loopThread = ch.eventLoop().submit(() -> Thread.currentThread().getId()).get();
      var threads = ManagementFactory.getThreadMXBean();
      long before = threads.getThreadCpuTime(loopThread);
      Thread.sleep(1_000);
      long usedMillis = (threads.getThreadCpuTime(loopThread) - before) / 1_000_000;
      assertTrue(usedMillis < 300, "event loop used " + usedMillis + " ms of CPU in 1 s while idle");
      ch.close().sync();
    }
  }
}
