package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.secret.StaticSecretProvider;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS configuration as Envoy reads it: what is rejected (with path and message type), certificate selection by
 * SNI, PEM key formats, SAN matching, transport socket matches, and failure reasons.
 */
class TlsConfigTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static final TlsStats STATS = new TlsStats(new StatsStore().scope("listener.test."));

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki(dir, "ca");
    pki.issue("a", "a.example.com", "DNS:a.example.com");
    pki.issue("b", "b", "DNS:*.b.example.com");
    pki.issue("spiffe", "workload", "URI:spiffe://cluster.local/ns/default/sa/server", "DNS:server.example.com");
  }

  static TlsCertificate cert(String name) {
    return TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setFilename(pki.cert(name).toString()))
        .setPrivateKey(DataSource.newBuilder().setFilename(pki.key(name).toString())).build();
  }

  static DownstreamTlsContext.Builder server(String... certs) {
    CommonTlsContext.Builder c = CommonTlsContext.newBuilder();
    for (String n : certs) {
      c.addTlsCertificates(cert(n));
    }
    return DownstreamTlsContext.newBuilder().setCommonTlsContext(c);
  }

  static DownstreamTlsSocketFactory create(DownstreamTlsContext c) throws ConfigException {
    return DownstreamTlsSocketFactory.create(c, "tls", SecretProvider.NONE, STATS);
  }

  @Test
  void boringSslIsTheEngine() {
    assertTrue(OpenSsl.isAvailable(), String.valueOf(OpenSsl.unavailabilityCause()));
    assertTrue(TlsEngine.version().contains("BoringSSL"), TlsEngine.version());
  }

  @Test
  void unsupportedFieldsAreRejectedWithPathAndMessageType() {
    ConfigException e = assertThrows(ConfigException.class, () -> create(server("a")
        .setFullScanCertsOnSniMismatch(BoolValue.of(true)).build()));
    assertTrue(e.getMessage().contains("tls.full_scan_certs_on_sni_mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"), e.getMessage());

    DownstreamTlsContext withPassword = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificates(cert("a").toBuilder().setPassword(DataSource.newBuilder().setInlineString("x")))).build();
    e = assertThrows(ConfigException.class, () -> create(withPassword));
    assertTrue(e.getMessage().contains("tls.common_tls_context.tls_certificates[0].password"), e.getMessage());

    DownstreamTlsContext sigalgs = server("a").setCommonTlsContext(server("a").getCommonTlsContext().toBuilder()
        .setTlsParams(TlsParameters.newBuilder().addSignatureAlgorithms("ecdsa_secp256r1_sha256"))).build();
    e = assertThrows(ConfigException.class, () -> create(sigalgs));
    assertTrue(e.getMessage().contains("tls.common_tls_context.tls_params.signature_algorithms"), e.getMessage());

    e = assertThrows(ConfigException.class, () -> UpstreamTlsSocketFactory.create(UpstreamTlsContext.newBuilder()
        .setAllowRenegotiation(true).build(), "cluster.transport_socket.typed_config", SecretProvider.NONE, STATS));
    assertTrue(e.getMessage().contains("cluster.transport_socket.typed_config.allow_renegotiation"), e.getMessage());
  }

  @Test
  void aServerNeedsACertificateAndSanMatchingNeedsATrustedCa() {
    ConfigException e = assertThrows(ConfigException.class, () -> create(server().build()));
    assertTrue(e.getMessage().contains("no certificates"), e.getMessage());
    DownstreamTlsContext sanWithoutCa = server("a").setCommonTlsContext(server("a").getCommonTlsContext().toBuilder()
        .setValidationContext(CertificateValidationContext.newBuilder().addMatchTypedSubjectAltNames(
            SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI)
                .setMatcher(StringMatcher.newBuilder().setExact("spiffe://x"))))).build();
    e = assertThrows(ConfigException.class, () -> create(sanWithoutCa));
    assertTrue(e.getMessage().contains("without trusted CA"), e.getMessage());
  }

  @Test
  void unknownSecretsAndTransportSocketsAreRejected() throws Exception {
    DownstreamTlsContext c = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("missing"))).build();
    SecretProvider statics = StaticSecretProvider.of(List.of(), "static_resources", SecretProvider.NONE);
    ConfigException e = assertThrows(ConfigException.class,
        () -> DownstreamTlsSocketFactory.create(c, "tls", statics, STATS));
    assertTrue(e.getMessage().contains("tls.common_tls_context.tls_certificate_sds_secret_configs[0]"), e.getMessage());

    TransportSocket alts = TransportSocket.newBuilder().setName("envoy.transport_sockets.alts")
        .setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts"))
        .build();
    e = assertThrows(ConfigException.class, () -> TransportSockets.downstream(alts, "chain.transport_socket",
        CoreTypes.defaultRegistry().typeRegistry()));
    assertTrue(e.getMessage().contains("chain.transport_socket"), e.getMessage());
    assertTrue(e.getMessage().contains("envoy.extensions.transport_sockets.alts.v3.Alts"), e.getMessage());
    assertNull(TransportSockets.upstream(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
        .build(), "p", CoreTypes.defaultRegistry().typeRegistry()));
  }

  @Test
  void staticSecretsServeCertificatesAndCombinedValidation() throws Exception {
    Secret cert = Secret.newBuilder().setName("default").setTlsCertificate(cert("spiffe")).build();
    Secret root = Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
        .setTrustedCa(DataSource.newBuilder().setFilename(pki.caCert().toString()))).build();
    SecretProvider statics = StaticSecretProvider.of(List.of(cert, root), "static_resources", SecretProvider.NONE);
    DownstreamTlsContext c = DownstreamTlsContext.newBuilder().setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("default"))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .addMatchSubjectAltNames(StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/")))
                .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ROOTCA")))).build();
    DownstreamTlsSocketFactory f = DownstreamTlsSocketFactory.create(c, "tls", statics, STATS);
    assertTrue(f.ready());
    assertTrue(f.requireClientCertificate());
    f.close();

    CertificateValidationContext merged = CertificateValidation.combine(
        c.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext(),
        root.getValidationContext());
    assertTrue(merged.hasTrustedCa());
    assertEquals(1, merged.getMatchSubjectAltNamesCount());
  }

  @Test
  void sniPicksExactThenWildcardThenTheFirstCertificate() throws Exception {
    DownstreamTlsSocketFactory f = create(server("a", "b").build());
    try {
      assertSame(f.select(null), f.select("a.example.com"));
      assertSame(f.select("A.Example.COM"), f.select("a.example.com"));
      assertNotSame(f.select("a.example.com"), f.select("x.b.example.com"));
      assertSame(f.select("x.b.example.com"), f.select("y.b.example.com"));
      assertSame(f.select(null), f.select("x.y.b.example.com"), "a wildcard covers one label only");
      assertSame(f.select(null), f.select("unknown.org"));
    } finally {
      f.close();
    }
  }

  @Test
  void privateKeysInPkcs8Sec1AndPkcs1() throws Exception {
    Path sec1 = dir.resolve("sec1.key");
    TestPki.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
    assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"));
    PrivateKey ec = PemMaterial.privateKey(Files.readAllBytes(sec1));
    assertEquals("EC", ec.getAlgorithm());

    Path pkcs1 = dir.resolve("pkcs1.key");
    TestPki.openssl("genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
    assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
    assertEquals("RSA", PemMaterial.privateKey(Files.readAllBytes(pkcs1)).getAlgorithm());

    assertEquals("EC", PemMaterial.privateKey(Files.readAllBytes(pki.key("a"))).getAlgorithm());
    assertThrows(java.security.GeneralSecurityException.class, () -> PemMaterial.privateKey("nothing".getBytes()));
  }

  @Test
  void sanMatchersByTypeLegacyAndDnsWildcards() throws Exception {
    var leaf = PemMaterial.certificates(Files.readAllBytes(pki.cert("spiffe")))[0];
    assertTrue(SanMatcher.typed(SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI)
        .setMatcher(StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/default/sa/server")).build(), "m")
        .matches(leaf));
    assertFalse(SanMatcher.typed(SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.DNS)
        .setMatcher(StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/default/sa/server")).build(), "m")
        .matches(leaf), "the URI SAN is not a DNS SAN");
    assertTrue(SanMatcher.typed(SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI)
        .setMatcher(StringMatcher.newBuilder().setSafeRegex(
            io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder().setRegex("spiffe://cluster\\.local/ns/[^/]+/sa/server")))
        .build(), "m").matches(leaf));
    assertTrue(SanMatcher.legacy(StringMatcher.newBuilder().setSuffix("EXAMPLE.COM").setIgnoreCase(true).build(), "m")
        .matches(leaf));
    var wildcard = PemMaterial.certificates(Files.readAllBytes(pki.cert("b")))[0];
    assertTrue(SanMatcher.legacy(StringMatcher.newBuilder().setExact("x.b.example.com").build(), "m").matches(wildcard));
    assertFalse(SanMatcher.legacy(StringMatcher.newBuilder().setExact("x.y.b.example.com").build(), "m")
        .matches(wildcard));
  }

  @Test
  void transportSocketMatchesPickByEndpointMetadata() throws Exception {
    UpstreamTlsContext mtls = UpstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificates(cert("spiffe"))).build();
    Cluster c = Cluster.newBuilder().setName("outbound|80||svc")
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("tlsMode-istio")
            .setMatch(Struct.newBuilder().putFields("tlsMode", Value.newBuilder().setStringValue("istio").build()))
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(mtls))))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("tlsMode-disabled")
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")))
        .build();
    UpstreamTransportSockets sockets = UpstreamTransportSockets.from(c, "clusters[0]", SecretProvider.NONE,
        CoreTypes.defaultRegistry().typeRegistry(), new StatsStore().scope("cluster.x."));
    try {
      Metadata istio = Metadata.newBuilder().putFilterMetadata(UpstreamTransportSockets.METADATA_KEY,
          Struct.newBuilder().putFields("tlsMode", Value.newBuilder().setStringValue("istio").build()).build()).build();
      Metadata disabled = Metadata.newBuilder().putFilterMetadata(UpstreamTransportSockets.METADATA_KEY,
          Struct.newBuilder().putFields("tlsMode", Value.newBuilder().setStringValue("disabled").build()).build()).build();
      assertTrue(sockets.forHost(istio) != null);
      assertNull(sockets.forHost(disabled));
      assertNull(sockets.forHost(Metadata.getDefaultInstance()));
      assertTrue(sockets.ready());
    } finally {
      sockets.close();
    }
  }

  @Test
  void handshakeFailuresReadAsEnvoyReasons() {
    assertEquals("TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end",
        TlsFailureReasons.of(new SSLHandshakeException(
            "error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED")));
    SSLHandshakeException verify = new SSLHandshakeException("handshake failed");
    verify.initCause(new CertificateException("verify cert failed: SAN matcher"));
    assertEquals(TlsFailureReasons.CERTIFICATE_VERIFY_FAILED, TlsFailureReasons.of(verify));
    assertNull(TlsFailureReasons.of(new java.net.ConnectException("Connection refused")));
  }
}
