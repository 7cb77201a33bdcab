package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixed-alias server key manager serves ECDSA and RSA keys over TLS 1.2 and 1.3 with BoringSSL, and the
 * handshake reports the configured chain as the local certificates (what access logs and XFCC read).
 */
class ServerKeyManagerTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"ec:prime256v1, TLSv1.3", "ec:prime256v1, TLSv1.2", "rsa:2048, TLSv1.3", "rsa:2048, TLSv1.2"})
  void servesTheKeyOfItsType(String newkey, String protocol) throws Exception {
    assumeTrue(OpenSsl.isAvailable(), "BoringSSL is not available here");
    Path key = dir.resolve("k.pem");
    Path cert = dir.resolve("c.pem");
    if (newkey.startsWith("ec:")) {
      TestPki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + newkey.substring(3),
          "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=server", "-days", "2");
    } else {
      TestPki.openssl("req", "-x509", "-newkey", newkey, "-nodes", "-keyout", key.toString(), "-out",
          cert.toString(), "-subj", "/CN=server", "-days", "2");
    }
    TlsCertificateMaterial material = new TlsCertificateMaterial(PemMaterial.certificates(Files.readAllBytes(cert)),
        PemMaterial.privateKey(Files.readAllBytes(key)), List.of("server"), "test");
    SslContext server = SslContextBuilder.forServer(ServerKeyManager.factory(material))
        .sslProvider(TlsEngine.PROVIDER).protocols(protocol).build();
    SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(protocol)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "server", 443);
    try {
      handshake(c, s);
      assertEquals(protocol, s.getSession().getProtocol());
      Certificate[] local = s.getSession().getLocalCertificates();
      assertArrayEquals(material.chain(), local);
      assertArrayEquals(material.chain(), c.getSession().getPeerCertificates());
    } finally {
      if (s instanceof ReferenceCountedOpenSslEngine rc) {
        rc.release();
      }
      TlsEngine.releaseNow(server);
    }
  }

  /** Runs the two engines against each other in memory until both are done. */
  private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
    ByteBuffer c2s = ByteBuffer.allocate(64 * 1024);
    ByteBuffer s2c = ByteBuffer.allocate(64 * 1024);
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 200; i++) {
      step(client, empty, c2s, s2c, sink);
      step(server, empty, s2c, c2s, sink);
      if (done(client) && done(server)) {
        return;
      }
    }
    throw new AssertionError("handshake did not finish: client " + client.getHandshakeStatus() + ", server "
        + server.getHandshakeStatus());
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus h = e.getHandshakeStatus();
    return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
  }

  private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
      throws Exception {
    e.wrap(empty, out);
    in.flip();
    while (in.hasRemaining()) {
      sink.clear();
      int before = in.remaining();
      e.unwrap(in, sink);
      Runnable task;
      while ((task = e.getDelegatedTask()) != null) {
        task.run();
      }
      if (in.remaining() == before) {
        break;
      }
    }
    in.compact();
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
  }
}
