package dev.javoy.proxy.istio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code istio-peer-exchange} TCP framing over real sockets, with the exchange forced (no TLS, so no ALPN):
 * two javoy handlers exchange their workloads and the application bytes behind the frames arrive intact; a raw
 * socket peer speaking the wire format by hand (fixed vector, sent in pieces) is understood; a peer that does not
 * speak it is passed through untouched.
 */
class PeerExchangeHandlerTest {
  /** Magic, size 0x7e, Any{type.googleapis.com/google.protobuf.Struct, {x-envoy-peer-metadata: {NAME: a},
   *  x-envoy-peer-metadata-id: node-1}}, computed by hand from the wire format. */
  static final String FRAME_NAME_A = "3d2304670000007e0a2a747970652e676f6f676c65617069732e636f6d2f676f6f676c652e70726f"
      + "746f6275662e53747275637412500a280a15782d656e766f792d706565722d6d65746164617461120f2a0d0a0b0a044e414d4512031a"
      + "01610a240a18782d656e766f792d706565722d6d657461646174612d696412081a066e6f64652d31";

  static EventLoopGroup group;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  static LocalWorkload workload(String id, String name) {
    return LocalWorkload.of(Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
        .putFields("NAME", Value.newBuilder().setStringValue(name).build())).build());
  }

  @Test
  void frameMatchesTheHandComputedVector() {
    assertEquals(FRAME_NAME_A, HexFormat.of().formatHex(PeerExchangeFrame.encode(workload("node-1", "a"))));
    PeerExchangeFrame.Result r = PeerExchangeFrame.tryDecode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(FRAME_NAME_A)));
    assertEquals(PeerExchangeFrame.Status.DONE, r.status());
    assertEquals("a", r.peer().instanceName());
    assertEquals("node-1", r.peer().id());
    assertEquals(FRAME_NAME_A.length() / 2, r.frameLength());
    assertEquals(PeerExchangeFrame.Status.NEED_MORE,
        PeerExchangeFrame.tryDecode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(FRAME_NAME_A.substring(0, 40)))).status());
    assertEquals(PeerExchangeFrame.Status.BAD_MAGIC,
        PeerExchangeFrame.tryDecode(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))).status());
    assertEquals(PeerExchangeFrame.Status.BAD_MAGIC,
        PeerExchangeFrame.tryDecode(Unpooled.wrappedBuffer(new byte[] {0x3d, 0x24})).status());
  }

  @Test
  void twoSidesExchangeWorkloadsAndApplicationBytesFollow() throws Exception {
    CompletableFuture<PeerMetadata> serverSawPeer = new CompletableFuture<>();
    CompletableFuture<PeerMetadata> clientSawPeer = new CompletableFuture<>();
    CompletableFuture<String> clientGot = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new PeerExchangeHandler(workload("server-node", "reviews-v2"), "istio-peer-exchange",
                true, serverSawPeer::complete, null));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() { // echo
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
              }
            });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    try {
      StringBuilder received = new StringBuilder();
      Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new PeerExchangeHandler(workload("client-node", "productpage-v1"),
                  "istio-peer-exchange", true, clientSawPeer::complete, null));
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ByteBuf b = (ByteBuf) msg;
                  received.append(b.toString(StandardCharsets.UTF_8));
                  b.release();
                  if (received.length() >= 11) {
                    clientGot.complete(received.toString());
                  }
                }
              });
            }
          }).connect(server.localAddress()).sync().channel();
      // Written right away, before the exchange is over: it must go out after this side's frame.
      client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
      client.writeAndFlush(Unpooled.copiedBuffer(" world", StandardCharsets.UTF_8));
      assertEquals("hello world", clientGot.get(10, TimeUnit.SECONDS));
      assertEquals("productpage-v1", serverSawPeer.get(10, TimeUnit.SECONDS).instanceName());
      assertEquals("client-node", serverSawPeer.get().id());
      assertEquals("reviews-v2", clientSawPeer.get(10, TimeUnit.SECONDS).instanceName());
      assertNull(client.pipeline().get(PeerExchangeHandler.class), "the handler leaves once the exchange is over");
      client.close().sync();
    } finally {
      server.close().sync();
    }
  }

  @Test
  void rawPeerSendingTheVectorInPiecesIsUnderstood() throws Exception {
    CompletableFuture<PeerMetadata> peer = new CompletableFuture<>();
    CompletableFuture<String> app = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new PeerExchangeHandler(workload("server-node", "reviews-v2"), "istio-peer-exchange",
                true, peer::complete, null));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              final StringBuilder sb = new StringBuilder();

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                sb.append(b.toString(StandardCharsets.UTF_8));
                b.release();
                if (sb.length() >= 7) {
                  app.complete(sb.toString());
                }
              }
            });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      byte[] frame = HexFormat.of().parseHex(FRAME_NAME_A);
      out.write(frame, 0, 3);
      out.flush();
      Thread.sleep(50);
      out.write(frame, 3, 20);
      out.flush();
      Thread.sleep(50);
      byte[] rest = new byte[frame.length - 23 + 7];
      System.arraycopy(frame, 23, rest, 0, frame.length - 23);
      System.arraycopy("payload".getBytes(StandardCharsets.UTF_8), 0, rest, frame.length - 23, 7);
      out.write(rest);
      out.flush();
      assertEquals("payload", app.get(10, TimeUnit.SECONDS));
      assertEquals("a", peer.get(10, TimeUnit.SECONDS).instanceName());
      assertEquals("node-1", peer.get().id());
      // What javoy sent first is its own frame.
      InputStream in = s.getInputStream();
      byte[] header = in.readNBytes(8);
      assertEquals(PeerExchangeFrame.MAGIC, java.nio.ByteBuffer.wrap(header).getInt());
      int size = java.nio.ByteBuffer.wrap(header).getInt(4);
      byte[] data = in.readNBytes(size);
      assertEquals("reviews-v2", PeerExchangeFrame.decodeData(data).instanceName());
    } finally {
      server.close().sync();
    }
  }

  @Test
  void aPeerThatDoesNotSpeakTheExchangeIsPassedThrough() throws Exception {
    CompletableFuture<PeerMetadata> peer = new CompletableFuture<>();
    CompletableFuture<String> app = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new PeerExchangeHandler(workload("server-node", "reviews-v2"), "istio-peer-exchange",
                true, p -> peer.complete(p), null));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              final StringBuilder sb = new StringBuilder();

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                sb.append(b.toString(StandardCharsets.UTF_8));
                b.release();
                if (sb.length() >= 16) {
                  app.complete(sb.toString());
                }
              }
            });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
      s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertEquals("GET / HTTP/1.1\r\n", app.get(10, TimeUnit.SECONDS));
      assertNull(peer.get(10, TimeUnit.SECONDS));
    } finally {
      server.close().sync();
    }
  }

  @Test
  void withoutTlsAndWithoutForcingNothingIsExchanged() throws Exception {
    CompletableFuture<PeerMetadata> peer = new CompletableFuture<>();
    try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new PeerExchangeHandler(workload("c", "client"), "istio-peer-exchange", false,
                  p -> peer.complete(p), null));
            }
          }).connect(ss.getLocalSocketAddress()).sync().channel();
      try (Socket accepted = ss.accept()) {
        client.writeAndFlush(Unpooled.copiedBuffer("plain", StandardCharsets.UTF_8)).sync();
        accepted.setSoTimeout(10_000);
        assertArrayEquals("plain".getBytes(StandardCharsets.UTF_8), accepted.getInputStream().readNBytes(5));
        assertNull(peer.get(10, TimeUnit.SECONDS));
        assertFalse(client.pipeline().names().stream().anyMatch(n -> n.contains("PeerExchangeHandler")));
      } finally {
        client.close().sync();
      }
    }
    assertTrue(true);
  }
}
