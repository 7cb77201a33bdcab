package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream TLS context's client certificate from a named secret: a new version is what new connections present;
 * before the secret arrives the factory is not ready and gives no handler. Real BoringSSL client, real JDK TLS
 * server that records the client certificates it sees.
 */
class UpstreamTlsSecretRotationTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static EventLoopGroup group;
  static SSLServerSocket server;
  static final BlockingQueue<String> clientNames = new LinkedBlockingQueue<>();

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "DNS:server.example.com");
    pki.issue("v1", "client-v1", "URI:spiffe://cluster.local/ns/default/sa/client");
    pki.issue("v2", "client-v2", "URI:spiffe://cluster.local/ns/default/sa/client");
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", PemMaterial.privateKey(Files.readAllBytes(pki.key("server"))), new char[0],
        PemMaterial.certificates(Files.readAllBytes(pki.cert("server"))));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] c, String a) {}

      @Override
      public void checkServerTrusted(X509Certificate[] c, String a) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.startHandshake();
          X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
          clientNames.add(CertificateNames.commonName(peer));
          s.getOutputStream().write('k');
          s.getOutputStream().flush();
        } catch (Exception e) {
          // closed or failed handshake: next
        }
      }
    }, "tls-test-server");
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  static void tearDown() throws Exception {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  static void handshake(UpstreamTlsSocketFactory f) throws Exception {
    int port = server.getLocalPort();
    SslHandler[] ssl = new SslHandler[1];
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        ssl[0] = f.newHandler(ByteBufAllocator.DEFAULT, UpstreamAlpn.NONE, port);
        c.pipeline().addLast(ssl[0]);
      }
    }).connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
    try {
      assertTrue(ssl[0].handshakeFuture().await(10, TimeUnit.SECONDS));
      assertTrue(ssl[0].handshakeFuture().isSuccess(), String.valueOf(ssl[0].handshakeFuture().cause()));
    } finally {
      ch.close().sync();
    }
  }

  @Test
  void newConnectionsPresentTheNewClientCertificate() throws Exception {
    DownstreamTlsSecretRotationTest.PushedSecrets secrets = new DownstreamTlsSecretRotationTest.PushedSecrets();
    UpstreamTlsContext c = UpstreamTlsContext.newBuilder().setSni("server.example.com").setCommonTlsContext(
        CommonTlsContext.newBuilder().addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("client")))
        .build();
    UpstreamTlsSocketFactory f = UpstreamTlsSocketFactory.create(c, "clusters[0].transport_socket.typed_config", secrets,
        new TlsStats(new StatsStore().scope("cluster.x.")));
    try {
      assertFalse(f.ready());
      assertNull(f.newHandler(ByteBufAllocator.DEFAULT, UpstreamAlpn.NONE, server.getLocalPort()));
      secrets.push(DownstreamTlsSecretRotationTest.certificateSecret(pki, "client", "v1"));
      assertTrue(f.ready());
      handshake(f);
      assertEquals("client-v1", clientNames.poll(10, TimeUnit.SECONDS));
      secrets.push(DownstreamTlsSecretRotationTest.certificateSecret(pki, "client", "v2"));
      handshake(f);
      assertEquals("client-v2", clientNames.poll(10, TimeUnit.SECONDS));
    } finally {
      f.close();
    }
  }
}
