package dev.javoy.xds;

import static dev.javoy.xds.TestResources.cluster;
import static dev.javoy.xds.TestResources.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS channel credentials: a server certificate made with the JDK's keytool, trusted by the client. */
@Timeout(60)
class XdsClientTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static KeyStore keyStore;

  @BeforeAll
  static void makeCertificate(@TempDir Path dir) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = dir.resolve("server.p12");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "xds",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD);
    }
  }

  private static SslContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, PASSWORD);
    return GrpcSslContexts.configure(SslContextBuilder.forServer(kmf)).build();
  }

  private static SslContext clientContext() throws Exception {
    return GrpcSslContexts.forClient().trustManager((X509Certificate) keyStore.getCertificate("xds")).build();
  }

  @Test
  void fetchesOverTls() throws Exception {
    try (Harness h = Harness.tcp()) {
      h.controlPlane.stop();
      h.controlPlane.useTls(serverContext());
      h.controlPlane.start();
      h.controlPlane.setSnapshot(snapshot("v1", List.of(cluster("c1", "a")), List.of(), List.of(), List.of()));
      h.startClient(XdsProtocol.STATE_OF_THE_WORLD, true,
          c -> c.server(wrapTls(h.controlPlane.target())));
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      assertEquals(Set.of("c1"), clusters.awaitUpdate().changed().keySet());
      Acks.awaitAck(h.controlPlane, Variant.SOTW_ADS, ResourceType.CLUSTER, "v1");
    }
  }

  @Test
  void plaintextClientCannotTalkToATlsServer() throws Exception {
    try (Harness h = Harness.tcp()) {
      h.controlPlane.stop();
      h.controlPlane.useTls(serverContext());
      h.controlPlane.start();
      h.controlPlane.setSnapshot(snapshot("v1", List.of(cluster("c1", "a")), List.of(), List.of(), List.of()));
      h.startClient(XdsProtocol.STATE_OF_THE_WORLD, true);
      RecordingSubscriber<Cluster> clusters = h.subscribe(ResourceType.CLUSTER, ResourceType.WILDCARD);
      assertNotEquals(io.grpc.Status.Code.OK, clusters.awaitError().status().getCode());
    }
  }

  private static XdsServerTarget wrapTls(XdsServerTarget target) {
    try {
      return target.withTls(clientContext()).withKeepAlive(java.time.Duration.ofSeconds(30),
          java.time.Duration.ofSeconds(5), false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
