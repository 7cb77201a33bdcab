package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.listener.ListenerStats;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.secret.SecretListener;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.secret.SecretWatch;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret rotation without restart: a listener's certificate comes from a named secret; replacing the secret makes
 * new handshakes present the new certificate while a connection established before keeps working. Also: a
 * context whose secret has not arrived is not ready and refuses connections until it arrives. Real BoringSSL
 * server, real JDK TLS client over loopback.
 */
class DownstreamTlsSecretRotationTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static EventLoopGroup group;

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("v1", "server-v1", "DNS:server.example.com");
    pki.issue("v2", "server-v2", "DNS:server.example.com");
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** A source of named secrets that the test updates, as SDS pushes new versions. */
  static final class PushedSecrets implements SecretProvider {
    private final Map<String, Secret> current = new HashMap<>();
    private final Map<String, List<SecretListener>> listeners = new HashMap<>();

    @Override
    public SecretWatch watch(SdsSecretConfig config, String path, SecretListener listener) {
      listeners.computeIfAbsent(config.getName(), n -> new CopyOnWriteArrayList<>()).add(listener);
      Secret s = current.get(config.getName());
      if (s != null) {
        listener.onSecret(s);
      }
      return () -> listeners.get(config.getName()).remove(listener);
    }

    void push(Secret s) {
      current.put(s.getName(), s);
      for (SecretListener l : listeners.getOrDefault(s.getName(), List.of())) {
        l.onSecret(s);
      }
    }
  }

  static Secret certificateSecret(String name, String certName) throws Exception {
    return certificateSecret(pki, name, certName);
  }

  static Secret certificateSecret(TestPki pki, String name, String certName) throws Exception {
    return Secret.newBuilder().setName(name).setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(pki.pem(pki.cert(certName))))
        .setPrivateKey(DataSource.newBuilder().setInlineString(pki.pem(pki.key(certName))))).build();
  }

  static DownstreamTlsContext contextNamingSecret(String name) {
    return DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName(name))).build();
  }

  /** A TLS echo server using {@code factory} for its connections, as a listener's filter chain would. */
  static Channel serve(DownstreamTlsSocketFactory factory) throws Exception {
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
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
              }
            });
          }
        }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  static SSLSocket connect(Channel server) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
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
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  static String peerCn(SSLSocket s) throws Exception {
    X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
    return CertificateNames.commonName(leaf);
  }

  static String echo(SSLSocket s, String text) throws Exception {
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    OutputStream o = s.getOutputStream();
    o.write(out);
    o.flush();
    InputStream in = s.getInputStream();
    return new String(in.readNBytes(out.length), StandardCharsets.UTF_8);
  }

  @Test
  void replacingTheSecretChangesTheCertificateOfNewHandshakesOnly() throws Exception {
    PushedSecrets secrets = new PushedSecrets();
    secrets.push(certificateSecret("server-cert", "v1"));
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(contextNamingSecret("server-cert"),
        "listener.filter_chains[0].transport_socket.typed_config", secrets,
        new TlsStats(new StatsStore().scope("listener.test.")));
    assertTrue(factory.ready());
    Channel server = serve(factory);
    List<SSLSocket> open = new ArrayList<>();
    try {
      SSLSocket before = connect(server);
      open.add(before);
      assertEquals("server-v1", peerCn(before));
      assertEquals("one", echo(before, "one"));

      secrets.push(certificateSecret("server-cert", "v2"));

      SSLSocket after = connect(server);
      open.add(after);
      assertEquals("server-v2", peerCn(after), "new handshakes see the new certificate");
      assertEquals("two", echo(after, "two"));
      assertEquals("still here", echo(before, "still here"), "the established connection keeps working");
      assertEquals("server-v1", peerCn(before));
    } finally {
      for (SSLSocket s : open) {
        s.close();
      }
      server.close().sync();
      factory.close();
    }
  }

  @Test
  void requireSniRefusesClientsWithoutServerName() throws Exception {
    PushedSecrets secrets = new PushedSecrets();
    secrets.push(certificateSecret("server-cert", "v1"));
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(contextNamingSecret("server-cert").toBuilder()
        .setRequireSni(com.google.protobuf.BoolValue.of(true)).build(), "tls", secrets,
        new TlsStats(new StatsStore().scope("listener.test.")));
    Channel server = serve(factory);
    try {
      boolean refused; // connected by IP address: the JDK client sends no SNI
      try (SSLSocket s = connect(server)) {
        refused = false;
      } catch (java.io.IOException e) {
        refused = true;
      }
      assertTrue(refused, "require_sni: a handshake without SNI fails");
    } finally {
      server.close().sync();
      factory.close();
    }
  }

  @Test
  void aContextWaitsForItsSecretAndRefusesConnectionsUntilThen() throws Exception {
    PushedSecrets secrets = new PushedSecrets();
    DownstreamTlsSocketFactory factory = DownstreamTlsSocketFactory.create(contextNamingSecret("late"),
        "listener.filter_chains[0].transport_socket.typed_config", secrets,
        new TlsStats(new StatsStore().scope("listener.test.")));
    assertFalse(factory.ready());
    assertFalse(factory.whenReady().isDone());
    Channel server = serve(factory);
    try {
      boolean refused;
      try (SSLSocket s = connect(server)) {
        refused = false;
      } catch (java.io.IOException e) {
        refused = true;
      }
      assertTrue(refused, "no certificate yet: the handshake cannot succeed");
      secrets.push(certificateSecret("late", "v1"));
      assertTrue(factory.ready());
      assertTrue(factory.whenReady().isDone());
      try (SSLSocket s = connect(server)) {
        assertEquals("server-v1", peerCn(s));
      }
    } finally {
      server.close().sync();
      factory.close();
    }
  }
}
