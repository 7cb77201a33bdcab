package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.javoy.proxy.secret.SecretListener;
import dev.javoy.proxy.secret.SecretWatch;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.core.v3.WatchedDirectory;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SDS end to end: javoy's secret provider, inside a started server, watching secrets from a real SDS server on a
 * Unix socket (Istio's {@code sds-grpc} shape: a STATIC pipe cluster, names {@code default} and {@code ROOTCA},
 * {@code initial_fetch_timeout: 0s}), from the ADS stream, and from a watched file swapped the Kubernetes way; the
 * watcher is a listener collecting what arrives (the TLS contexts that will watch are built elsewhere).
 */
class SdsEndToEndTest {

  @TempDir
  Path dir;

  /** What a watcher heard. */
  static final class Collector implements SecretListener {
    final BlockingQueue<Secret> secrets = new LinkedBlockingQueue<>();
    final BlockingQueue<String> removals = new LinkedBlockingQueue<>();

    @Override
    public void onSecret(Secret secret) {
      secrets.add(secret);
    }

    @Override
    public void onSecretRemoved(String name) {
      removals.add(name);
    }

    Secret next() throws InterruptedException {
      Secret s = secrets.poll(20, TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("no secret arrived");
      }
      return s;
    }
  }

  static String pem(String name) throws IOException {
    try (InputStream in = SdsEndToEndTest.class.getResourceAsStream("/sds/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  static Secret certificate(String name, String chain, String key) {
    return Secret.newBuilder().setName(name).setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(chain)))
        .setPrivateKey(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(key)))).build();
  }

  static Secret rootCa(String pem) {
    return Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
        .setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(pem)))).build();
  }

  private static SdsSecretConfig sdsGrpc(String name, ApiConfigSource.ApiType type) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
        .setApiConfigSource(ApiConfigSource.newBuilder().setApiType(type)
            .setTransportApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)
            .setSetNodeOnFirstMessageOnly(true)
            .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder()
                .setClusterName("sds-grpc"))))
        .setInitialFetchTimeout(com.google.protobuf.Duration.getDefaultInstance())
        .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)).build();
  }

  private static SecretWatch watch(InProcessJavoy javoy, SdsSecretConfig config, SecretListener listener)
      throws Exception {
    return javoy.onMain(() -> {
      try {
        return javoy.server.secrets().watch(config, "test", listener);
      } catch (dev.javoy.proxy.config.ConfigException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String istioBootstrap(int admin, ControlPlane sds, String staticCert, String staticKey) {
    return """
        node: {id: sidecar~10.0.0.1~app.default~default.svc.cluster.local, cluster: app.default}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          secrets:
          - name: static_cert
            tls_certificate:
              certificate_chain: {inline_string: "%s"}
              private_key: {inline_string: "%s"}
          clusters:
        %s""".formatted(admin, staticCert.replace("\n", "\\n"), staticKey.replace("\n", "\\n"),
            sds.clusterYaml("sds-grpc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
  void sdsGrpcOverAUnixSocketDeliversUpdatesNacksBadCertificatesAndDumpsRedacted(String apiType)
      throws Exception {
    ApiConfigSource.ApiType type = ApiConfigSource.ApiType.valueOf(apiType);
    Path socket = dir.resolve("sds.sock");
    ControlPlane sds = ControlPlane.unixSocket(socket);
    int admin = JavoyProcess.freePort();
    Secret v1 = certificate("default", pem("rsa.crt"), pem("rsa.key"));
    Secret v2 = certificate("default", pem("ec.crt"), pem("ec.key"));
    Secret ca = rootCa(pem("rsa.crt"));
    try (InProcessJavoy javoy = InProcessJavoy.start(istioBootstrap(admin, sds, pem("rsa.crt"), pem("rsa.key")),
        admin)) {
      sds.set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(v1, ca), "1"));
      Collector first = new Collector();
      Collector second = new Collector();
      Collector root = new Collector();
      SecretWatch w1 = watch(javoy, sdsGrpc("default", type), first);
      SecretWatch w2 = watch(javoy, sdsGrpc("default", type), second);
      watch(javoy, sdsGrpc("ROOTCA", type), root);
      assertEquals(v1, first.next());
      assertEquals(v1, second.next());
      assertEquals(ca, root.next());
      assertEquals(java.util.Map.of("default", 2, "ROOTCA", 1), javoy.onMain(() -> javoy.server.sds().watched()));

      // an update reaches every watcher
      sds.set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(v2, ca), "2"));
      assertEquals(v2, first.next());
      assertEquals(v2, second.next());

      // a malformed certificate is NACKed naming the secret; the watchers keep v2
      Secret bad = certificate("default", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
          pem("ec.key"));
      sds.set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(bad, ca), "3"));
      awaitTrue(() -> sds.nacks().stream().anyMatch(n -> n.message().contains("secret 'default'")
          && n.message().contains("certificate_chain")), () -> "NACKs: " + sds.nacks());
      assertNull(first.secrets.poll(500, TimeUnit.MILLISECONDS));
      assertEquals(v2, javoy.onMain(() -> javoy.server.sds().current("default")));

      String dump = javoy.admin("/config_dump");
      assertTrue(dump.contains("\"dynamic_active_secrets\""), dump);
      assertTrue(dump.contains("\"version_info\": \"2\""), dump);
      assertTrue(dump.contains("\"error_state\""), dump);
      assertTrue(dump.contains("\"static_secrets\""), dump);
      assertTrue(dump.contains("\"name\": \"static_cert\""), dump);
      assertTrue(dump.contains("W3JlZGFjdGVkXQ=="), dump); // inline_bytes "[redacted]"
      assertTrue(dump.contains("\"inline_string\": \"[redacted]\""), dump); // the static key
      assertTrue(!dump.contains("PRIVATE KEY"), "a private key leaked into the dump");
      assertTrue(dump.contains("BEGIN CERTIFICATE"), "certificates are not secret");
      assertEquals(2, stat(javoy, "sds.default.update_success"));
      // java-control-plane answers each NACK with the same bad version again: at least one rejection
      assertTrue(stat(javoy, "sds.default.update_rejected") >= 1);
      assertEquals(1, stat(javoy, "sds.ROOTCA.update_success"));

      if (type == ApiConfigSource.ApiType.DELTA_GRPC) {
        // removed by the server: watchers hear it and keep the last value
        sds.set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(ca), "4"));
        assertEquals("default", first.removals.poll(20, TimeUnit.SECONDS));
        assertEquals(v2, javoy.onMain(() -> javoy.server.sds().current("default")));
      }

      // the last watch closed unsubscribes
      javoy.onMain(() -> {
        w1.close();
        w2.close();
        return null;
      });
      assertEquals(java.util.Map.of("ROOTCA", 1), javoy.onMain(() -> javoy.server.sds().watched()));
    } finally {
      sds.close();
    }
  }

  @Test
  void secretsOverTheAdsStream() throws Exception {
    ControlPlane cp = ControlPlane.tcp();
    int admin = JavoyProcess.freePort();
    Secret v1 = certificate("default", pem("rsa.crt"), pem("rsa.key"));
    cp.set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(v1), "a1"));
    String yaml = cp.adsBootstrap("{id: n, cluster: c}", admin, "GRPC", false);
    try (InProcessJavoy javoy = InProcessJavoy.start(yaml, admin)) {
      Collector c = new Collector();
      watch(javoy, SdsSecretConfig.newBuilder().setName("default").setSdsConfig(ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())).build(), c);
      assertEquals(v1, c.next());
      Secret v2 = certificate("default", pem("ec.crt"), pem("ec.key"));
      cp.set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(v2), "a2"));
      assertEquals(v2, c.next());
      // a secret nobody serves yet is warming
      watch(javoy, SdsSecretConfig.newBuilder().setName("later").setSdsConfig(ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())).build(), new Collector());
      String dump = javoy.admin("/config_dump");
      assertTrue(dump.contains("\"dynamic_warming_secrets\""), dump);
      assertTrue(dump.contains("\"version_info\": \"a2\""), dump);
    } finally {
      cp.close();
    }
  }

  /** Kubernetes mounts a secret as {@code dir/file -> ..data/file}, {@code ..data -> ..<timestamp>}, swapped atomically. */
  @Test
  void aWatchedFileSwappedByItsSymlinkUpdatesTheSecret() throws Exception {
    Path mount = dir.resolve("certs");
    Files.createDirectories(mount);
    writeVersion(mount, "..v1", certificate("default", pem("rsa.crt"), pem("rsa.key")), "1");
    Files.createSymbolicLink(mount.resolve("..data"), Path.of("..v1"));
    Files.createSymbolicLink(mount.resolve("sds.yaml"), Path.of("..data/sds.yaml"));
    int admin = JavoyProcess.freePort();
    String yaml = """
        node: {id: n, cluster: c}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """.formatted(admin);
    SdsSecretConfig config = SdsSecretConfig.newBuilder().setName("default").setSdsConfig(ConfigSource.newBuilder()
        .setPathConfigSource(PathConfigSource.newBuilder().setPath(mount.resolve("sds.yaml").toString())
            .setWatchedDirectory(WatchedDirectory.newBuilder().setPath(mount.toString())))).build();
    try (InProcessJavoy javoy = InProcessJavoy.start(yaml, admin)) {
      Collector c = new Collector();
      watch(javoy, config, c);
      assertEquals("CN=javoy-rsa", subject(c.next()));
      // the new version lands in a new directory; ..data is swapped by an atomic rename of a new symlink
      writeVersion(mount, "..v2", certificate("default", pem("ec.crt"), pem("ec.key")), "2");
      Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..v2"));
      Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      assertEquals("CN=javoy-ec", subject(c.next()));
      // a bad version is rejected and the last good one stays; the file dropping the secret keeps it too
      writeVersion(mount, "..v3", certificate("default", pem("ec.crt"), pem("rsa.key")), "3");
      Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..v3"));
      Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      awaitTrue(() -> stat(javoy, "sds.default.update_rejected") == 1, () -> "no rejection");
      Files.createDirectories(mount.resolve("..v4"));
      Files.writeString(mount.resolve("..v4/sds.yaml"), "version_info: \"4\"\nresources: []\n");
      Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..v4"));
      Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      assertEquals("default", c.removals.poll(20, TimeUnit.SECONDS));
      assertEquals("CN=javoy-ec", subject(javoy.onMain(() -> javoy.server.sds().current("default"))));
      assertTrue(javoy.admin("/config_dump").contains("\"version_info\": \"2\""));
    }
  }

  /** A secret naming files: when they change they are read again (key rotation); a bad rotation is counted. */
  @Test
  void filesASecretNamesAreWatchedForKeyRotation() throws Exception {
    // mounted the Kubernetes way, so that a rotation swaps both files at once
    Path certs = dir.resolve("pki");
    keyPair(certs, "..v1", "rsa.crt", "rsa.key");
    Files.createSymbolicLink(certs.resolve("..data"), Path.of("..v1"));
    Files.createSymbolicLink(certs.resolve("cert.pem"), Path.of("..data/cert.pem"));
    Files.createSymbolicLink(certs.resolve("key.pem"), Path.of("..data/key.pem"));
    Secret byFile = Secret.newBuilder().setName("file_cert").setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setFilename(certs.resolve("cert.pem").toString()))
        .setPrivateKey(DataSource.newBuilder().setFilename(certs.resolve("key.pem").toString()))).build();
    writeVersion(dir, "sds", byFile, "1");
    int admin = JavoyProcess.freePort();
    String yaml = """
        node: {id: n, cluster: c}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """.formatted(admin);
    SdsSecretConfig config = SdsSecretConfig.newBuilder().setName("file_cert").setSdsConfig(ConfigSource.newBuilder()
        .setPath(dir.resolve("sds/sds.yaml").toString())).build();
    try (InProcessJavoy javoy = InProcessJavoy.start(yaml, admin)) {
      Collector c = new Collector();
      watch(javoy, config, c);
      assertEquals(byFile, c.next());
      // rotation: both files replaced
      keyPair(certs, "..v2", "ec.crt", "ec.key");
      Files.createSymbolicLink(certs.resolve("..data_tmp"), Path.of("..v2"));
      Files.move(certs.resolve("..data_tmp"), certs.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      assertEquals(byFile, c.next()); // told again, to read the files again
      assertEquals(0, stat(javoy, "sds.file_cert.key_rotation_failed"));
      // a key that does not match the certificate: the rotation fails, counted; nobody is told
      c.secrets.clear();
      keyPair(certs, "..v3", "ec.crt", "rsa.key");
      Files.createSymbolicLink(certs.resolve("..data_tmp"), Path.of("..v3"));
      Files.move(certs.resolve("..data_tmp"), certs.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      awaitTrue(() -> stat(javoy, "sds.file_cert.key_rotation_failed") >= 1, () -> "no failed rotation counted");
      assertNull(c.secrets.poll(200, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void sdsConfigsJavoyCannotServeAreRejectedWithTheirPath() throws Exception {
    int admin = JavoyProcess.freePort();
    String yaml = """
        node: {id: n, cluster: c}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """.formatted(admin);
    try (InProcessJavoy javoy = InProcessJavoy.start(yaml, admin)) {
      String unknownCluster = watchError(javoy, sdsGrpc("default", ApiConfigSource.ApiType.GRPC));
      assertTrue(unknownCluster.contains(
          "tls.sds_config.api_config_source.grpc_services[0].envoy_grpc.cluster_name"), unknownCluster);
      assertTrue(unknownCluster.contains("unknown gRPC cluster 'sds-grpc'"), unknownCluster);
      String noAds = watchError(javoy, SdsSecretConfig.newBuilder().setName("x").setSdsConfig(ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())).build());
      assertTrue(noAds.contains("tls.sds_config.ads") && noAds.contains("ads_config"), noAds);
      SdsSecretConfig rest = sdsGrpc("x", ApiConfigSource.ApiType.REST);
      String restError = watchError(javoy, rest);
      assertTrue(restError.contains("tls.sds_config.api_config_source.api_type"), restError);
      String self = watchError(javoy, SdsSecretConfig.newBuilder().setName("x").setSdsConfig(ConfigSource.newBuilder()
          .setSelf(io.envoyproxy.envoy.config.core.v3.SelfConfigSource.getDefaultInstance())).build());
      assertTrue(self.contains("tls.sds_config.self: field not supported"), self);
      assertTrue(javoy.onMain(() -> javoy.server.sds().watched()).isEmpty());
    }
  }

  private static String watchError(InProcessJavoy javoy, SdsSecretConfig config) throws Exception {
    return javoy.onMain(() -> {
      try {
        javoy.server.secrets().watch(config, "tls", new Collector());
        return "no error";
      } catch (dev.javoy.proxy.config.ConfigException e) {
        return e.getMessage();
      }
    });
  }

  private static void keyPair(Path mount, String version, String cert, String key) throws IOException {
    Files.createDirectories(mount.resolve(version));
    Files.writeString(mount.resolve(version).resolve("cert.pem"), pem(cert));
    Files.writeString(mount.resolve(version).resolve("key.pem"), pem(key));
  }

  private static void writeVersion(Path mount, String name, Secret secret, String version) throws Exception {
    Path d = mount.resolve(name);
    Files.createDirectories(d);
    String json = com.google.protobuf.util.JsonFormat.printer()
        .usingTypeRegistry(com.google.protobuf.util.JsonFormat.TypeRegistry.newBuilder()
            .add(Secret.getDescriptor()).build())
        .print(io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse.newBuilder().setVersionInfo(version)
            .addResources(com.google.protobuf.Any.pack(secret)).build());
    Files.writeString(d.resolve("sds.yaml"), json);
  }

  private static String subject(Secret s) throws Exception {
    var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(
            s.getTlsCertificate().getCertificateChain().getInlineBytes().toByteArray()));
    return cert.getSubjectX500Principal().getName();
  }

  /** A counter or gauge from {@code /stats}, -1 when absent. */
  static long stat(InProcessJavoy javoy, String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + java.net.URLEncoder.encode(
        "^" + name.replace(".", "\\.") + "$", StandardCharsets.UTF_8)).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return -1;
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void awaitTrue(Check check, java.util.function.Supplier<String> what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(what.get());
  }
}
