package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.listener.ListenerStats;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which TLS handler a downstream connection gets: with one certificate (and no {@code require_sni}) the BoringSSL
 * handler starts at once and the requested server name comes from the engine after the handshake; with several
 * certificates the SNI handler picks one first. Either way the connection knows the server name the client asked
 * for and the {@code ssl.*} stats count the handshake. Real BoringSSL server, real JDK TLS client over loopback.
 */
class DownstreamTlsHandlerChoiceTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static EventLoopGroup group;

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("a", "server-a", "DNS:a.example.com");
    pki.issue("b", "server-b", "DNS:b.example.com");
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  static TlsCertificate certificate(String name) throws Exception {
    return TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(pki.pem(pki.cert(name))))
        .setPrivateKey(DataSource.newBuilder().setInlineString(pki.pem(pki.key(name)))).build();
  }

  /** The allocators of the last connection that echoed: its channel's and the decrypted bytes' buffer's. */
  static volatile io.netty.buffer.ByteBufAllocator lastChannelAlloc;
  static volatile io.netty.buffer.ByteBufAllocator lastReadAlloc;

  /** What the server saw of one connection once its handshake completed and the first bytes arrived. */
  record Seen(String handlerClass, String requestedServerName, String sni, String version) {}

  /** A TLS echo server whose connections report what they saw into {@code seen}. */
  static Channel serve(DownstreamTlsSocketFactory factory, LinkedBlockingQueue<Seen> seen) throws Exception {
    ListenerStats stats = new ListenerStats(new StatsStore().scope("listener.test."));
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            DownstreamConnection conn = new DownstreamConnection(ch, 1, ch.localAddress(), ch.remoteAddress(),
                "test", "chain", stats, 0);
            if (!factory.install(conn)) {
              ch.close();
              return;
            }
            String installed = ch.pipeline().get(DownstreamSniHandler.NAME).getClass().getSimpleName();
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                lastChannelAlloc = ctx.channel().alloc();
                lastReadAlloc = ((io.netty.buffer.ByteBuf) msg).alloc();
                seen.add(new Seen(installed, conn.requestedServerName(), conn.tls().sni(), conn.tls().tlsVersion()));
                ctx.writeAndFlush(msg);
              }
            });
          }
        }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  /** A handshake (with {@code sni} unless null), one echoed byte, and the server's certificate CN. */
  static String exchange(Channel server, String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] c, String a) {}

      @Override
      public void checkServerTrusted(X509Certificate[] c, String a) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
      s.setSSLParameters(p);
      s.startHandshake();
      s.getOutputStream().write('x');
      s.getOutputStream().flush();
      assertEquals('x', s.getInputStream().read());
      return CertificateNames.commonName((X509Certificate) s.getSession().getPeerCertificates()[0]);
    }
  }

  @Test
  void oneCertificateStartsTheEngineAtOnceAndStillKnowsTheServerName() throws Exception {
    StatsStore store = new StatsStore();
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificates(certificate("a"))).build(),
        "tls", new DownstreamTlsSecretRotationTest.PushedSecrets(), new TlsStats(store.scope("listener.test.")));
    LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    Channel server = serve(factory, seen);
    try {
      assertEquals("server-a", exchange(server, "A.Example.COM"));
      Seen withSni = seen.poll(10, TimeUnit.SECONDS);
      assertEquals(new Seen("SslHandler", "a.example.com", "a.example.com", "TLSv1.3"), withSni);

      assertEquals("server-a", exchange(server, null));
      Seen withoutSni = seen.poll(10, TimeUnit.SECONDS);
      assertEquals(new Seen("SslHandler", "", "", "TLSv1.3"), withoutSni);

      assertEquals(2, store.counter("listener.test.ssl.handshake").value());
      assertEquals(2, store.counter("listener.test.ssl.versions.TLSv1.3").value());
      assertEquals(0, store.counter("listener.test.ssl.connection_error").value());

      // the connection's buffers (reads, decrypted bytes, records) come from the pooled TLS allocator, whose
      // buffers keep their NIO views instead of allocating new ones for every wrap and unwrap
      assertEquals(TlsConnectionAllocator.INSTANCE, lastChannelAlloc);
      assertEquals(TlsConnectionAllocator.INSTANCE, lastReadAlloc);
    } finally {
      server.close().sync();
      factory.close();
    }
  }

  @Test
  void aPeerClosingBeforeItsHandshakeIsNoTlsErrorButGarbageIs() throws Exception {
    StatsStore store = new StatsStore();
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificates(certificate("a"))).build(),
        "tls", new DownstreamTlsSecretRotationTest.PushedSecrets(), new TlsStats(store.scope("listener.test.")));
    Channel server = serve(factory, new LinkedBlockingQueue<>());
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    try {
      new java.net.Socket(InetAddress.getLoopbackAddress(), port).close(); // a TCP probe
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        while (s.getInputStream().read() >= 0) {
          // until javoy closes it
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (store.counter("listener.test.ssl.connection_error").value() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals("server-a", exchange(server, null), "and the listener still serves");
      assertEquals(1, store.counter("listener.test.ssl.connection_error").value(), "plaintext on a TLS port only");
    } finally {
      server.close().sync();
      factory.close();
    }
  }

  @Test
  void severalCertificatesArePickedBySni() throws Exception {
    StatsStore store = new StatsStore();
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificates(certificate("a"))
                .addTlsCertificates(certificate("b"))).build(),
        "tls", new DownstreamTlsSecretRotationTest.PushedSecrets(), new TlsStats(store.scope("listener.test.")));
    LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    Channel server = serve(factory, seen);
    try {
      assertEquals("server-b", exchange(server, "b.example.com"));
      Seen b = seen.poll(10, TimeUnit.SECONDS);
      assertEquals("b.example.com", b.requestedServerName());
      assertEquals("DownstreamSniHandler", b.handlerClass(), "picked at ClientHello");
      assertEquals("server-a", exchange(server, null), "without SNI the first certificate serves");
      assertEquals("", seen.poll(10, TimeUnit.SECONDS).requestedServerName());
      assertEquals(2, store.counter("listener.test.ssl.handshake").value());
    } finally {
      server.close().sync();
      factory.close();
    }
  }

  @Test
  void requireSniKeepsTheSniHandlerWithOneCertificate() throws Exception {
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificates(certificate("a")))
            .setRequireSni(com.google.protobuf.BoolValue.of(true)).build(),
        "tls", new DownstreamTlsSecretRotationTest.PushedSecrets(), new TlsStats(new StatsStore().scope("listener.test.")));
    LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    Channel server = serve(factory, seen);
    try {
      assertEquals("server-a", exchange(server, "a.example.com"));
      assertEquals("a.example.com", seen.poll(10, TimeUnit.SECONDS).requestedServerName());
      assertTrue(catchesHandshakeFailure(server), "no SNI: refused");
    } finally {
      server.close().sync();
      factory.close();
    }
  }

  private static boolean catchesHandshakeFailure(Channel server) {
    try {
      exchange(server, null);
      return false;
    } catch (Exception e) {
      return true;
    }
  }
}
