package dev.javoy.proxy.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsSessionTicketKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretValidatorTest {
  static String pem(String name) throws IOException {
    try (InputStream in = SecretValidatorTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  static Secret cert(String name, String chain, String key) {
    return Secret.newBuilder().setName(name).setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(chain))
        .setPrivateKey(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(key)))).build();
  }

  @Test
  void acceptsPkcs8Pkcs1AndSec1KeysMatchingTheirCertificates() throws IOException {
    assertNull(SecretValidator.validate(cert("a", pem("rsa.crt"), pem("rsa.key"))));
    assertNull(SecretValidator.validate(cert("a", pem("rsa.crt"), pem("rsa-pkcs1.key"))));
    assertNull(SecretValidator.validate(cert("a", pem("ec.crt"), pem("ec.key"))));
  }

  @Test
  void acceptsAnEncryptedKeyWithItsPassword() throws IOException {
    Secret s = cert("a", pem("rsa.crt"), pem("rsa-encrypted.key"));
    assertTrue(SecretValidator.validate(s).contains("encrypted"), SecretValidator.validate(s));
    Secret withPassword = s.toBuilder().setTlsCertificate(s.getTlsCertificate().toBuilder()
        .setPassword(DataSource.newBuilder().setInlineString("secret"))).build();
    assertNull(SecretValidator.validate(withPassword));
  }

  @Test
  void rejectsBadCertificatesKeysAndMismatches() throws IOException {
    String bad = SecretValidator.validate(cert("a", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        pem("rsa.key")));
    assertTrue(bad.startsWith("tls_certificate.certificate_chain: bad certificate"), bad);
    assertTrue(SecretValidator.validate(cert("a", "not pem", pem("rsa.key"))).contains("no PEM certificate"));
    String noKey = SecretValidator.validate(cert("a", pem("rsa.crt"), "garbage"));
    assertTrue(noKey.contains("no PEM private key"), noKey);
    String mismatch = SecretValidator.validate(cert("a", pem("rsa.crt"), pem("ec.key")));
    assertTrue(mismatch.contains("does not match the certificate CN=javoy-rsa"), mismatch);
    assertTrue(SecretValidator.validate(Secret.newBuilder().setName("empty").build()).contains("holds none of"));
  }

  @Test
  void validationContextTicketKeysAndGenericSecrets() throws IOException {
    assertNull(SecretValidator.validate(Secret.newBuilder().setName("ca").setValidationContext(
        CertificateValidationContext.newBuilder().setTrustedCa(DataSource.newBuilder()
            .setInlineString(pem("rsa.crt") + pem("ec.crt")))).build()));
    assertTrue(SecretValidator.validate(Secret.newBuilder().setName("ca").setValidationContext(
        CertificateValidationContext.newBuilder().setTrustedCa(DataSource.newBuilder().setInlineString("x")))
        .build()).contains("trusted_ca"));
    assertNull(SecretValidator.validate(Secret.newBuilder().setName("t").setSessionTicketKeys(
        TlsSessionTicketKeys.newBuilder().addKeys(DataSource.newBuilder()
            .setInlineBytes(ByteString.copyFrom(new byte[80])))).build()));
    String shortKey = SecretValidator.validate(Secret.newBuilder().setName("t").setSessionTicketKeys(
        TlsSessionTicketKeys.newBuilder().addKeys(DataSource.newBuilder()
            .setInlineBytes(ByteString.copyFrom(new byte[32])))).build());
    assertTrue(shortKey.contains("Length 80 required"), shortKey);
    assertNull(SecretValidator.validate(Secret.newBuilder().setName("g").setGenericSecret(
        GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setInlineString("hmac"))).build()));
    assertTrue(SecretValidator.validate(Secret.newBuilder().setName("g").setGenericSecret(
        GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setFilename("/nonexistent/x"))).build())
        .contains("cannot read /nonexistent/x"));
  }
}
