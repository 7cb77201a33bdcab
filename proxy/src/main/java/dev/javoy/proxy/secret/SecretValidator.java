package dev.javoy.proxy.secret;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsSessionTicketKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a secret when it arrives, before any TLS context sees it: it must hold a {@code tls_certificate},
 * {@code validation_context}, {@code session_ticket_keys} or {@code generic_secret}; PEM certificates, CRLs and
 * private keys must parse (plain JDK parsing), a certificate's key must match its leaf certificate, and session
 * ticket keys must be 80 bytes, as Envoy requires. Data sources that are files or environment variables are
 * read now.
 */
public final class SecretValidator {
  /** Envoy's session ticket key length (name, HMAC secret, AES key). */
  static final int SESSION_TICKET_KEY_LENGTH = 80;

  private SecretValidator() {}

  /** @return null when the secret is usable, else what is wrong with it */
  public static String validate(Secret s) {
    try {
      switch (s.getTypeCase()) {
        case TLS_CERTIFICATE -> tlsCertificate(s.getTlsCertificate());
        case VALIDATION_CONTEXT -> validationContext(s.getValidationContext());
        case SESSION_TICKET_KEYS -> sessionTicketKeys(s.getSessionTicketKeys());
        case GENERIC_SECRET -> {
          if (!s.getGenericSecret().hasSecret() && s.getGenericSecret().getSecretsCount() == 0) {
            throw new Invalid("generic_secret has no secret");
          }
          if (s.getGenericSecret().hasSecret()) {
            read(s.getGenericSecret().getSecret(), "generic_secret.secret");
          }
        }
        default -> throw new Invalid(
            "holds none of tls_certificate, validation_context, session_ticket_keys, generic_secret");
      }
      return null;
    } catch (Invalid e) {
      return e.getMessage();
    }
  }

  private static void tlsCertificate(TlsCertificate c) throws Invalid {
    if (c.hasPrivateKeyProvider()) {
      throw new Invalid("tls_certificate.private_key_provider is not supported by javoy");
    }
    char[] password = c.hasPassword()
        ? new String(read(c.getPassword(), "tls_certificate.password"), StandardCharsets.UTF_8).toCharArray() : null;
    if (c.hasPkcs12()) {
      if (c.hasCertificateChain() || c.hasPrivateKey()) {
        throw new Invalid("tls_certificate.pkcs12 excludes certificate_chain and private_key");
      }
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(read(c.getPkcs12(), "tls_certificate.pkcs12")),
            password == null ? new char[0] : password);
      } catch (IOException | GeneralSecurityException e) {
        throw new Invalid("tls_certificate.pkcs12 cannot be read: " + e.getMessage());
      }
      return;
    }
    if (!c.hasCertificateChain()) {
      throw new Invalid("tls_certificate has no certificate_chain");
    }
    if (!c.hasPrivateKey()) {
      throw new Invalid("tls_certificate has no private_key");
    }
    List<X509Certificate> chain = certificates(c.getCertificateChain(), "tls_certificate.certificate_chain");
    PrivateKey key;
    try {
      key = PemPrivateKeys.parse(text(c.getPrivateKey(), "tls_certificate.private_key"), password);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new Invalid("tls_certificate.private_key: " + e.getMessage());
    }
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new Invalid("tls_certificate.private_key does not match the certificate "
          + chain.get(0).getSubjectX500Principal().getName());
    }
  }

  private static void validationContext(CertificateValidationContext v) throws Invalid {
    if (v.hasTrustedCa()) {
      certificates(v.getTrustedCa(), "validation_context.trusted_ca");
    }
    if (v.hasCrl()) {
      try {
        var crls = CertificateFactory.getInstance("X.509")
            .generateCRLs(new ByteArrayInputStream(read(v.getCrl(), "validation_context.crl")));
        if (crls.isEmpty()) {
          throw new Invalid("validation_context.crl holds no CRL");
        }
      } catch (GeneralSecurityException e) {
        throw new Invalid("validation_context.crl: " + e.getMessage());
      }
    }
  }

  private static void sessionTicketKeys(TlsSessionTicketKeys k) throws Invalid {
    if (k.getKeysCount() == 0) {
      throw new Invalid("session_ticket_keys has no key");
    }
    for (int i = 0; i < k.getKeysCount(); i++) {
      int n = read(k.getKeys(i), "session_ticket_keys.keys[" + i + "]").length;
      if (n != SESSION_TICKET_KEY_LENGTH) {
        throw new Invalid("session_ticket_keys.keys[" + i + "]: incorrect TLS session ticket key length. Length "
            + SESSION_TICKET_KEY_LENGTH + " required, got " + n);
      }
    }
  }

  /** The PEM certificates of a data source: at least one, each parsing. */
  private static List<X509Certificate> certificates(DataSource ds, String field) throws Invalid {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (PemBlocks.Block b : PemBlocks.parse(text(ds, field))) {
        if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
          out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new Invalid(field + ": bad certificate: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new Invalid(field + ": no PEM certificate found");
    }
    return out;
  }

  /** Whether {@code key} signs what {@code pub} verifies. */
  private static boolean matches(PrivateKey key, PublicKey pub) throws Invalid {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (alg == null) {
      return true; // e.g. RSASSA-PSS: not checked here
    }
    if (!pub.getAlgorithm().equals(key.getAlgorithm())
        && !(key.getAlgorithm().startsWith("Ed") && pub.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    try {
      byte[] probe = "javoy key match probe".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(pub);
      verifier.update(probe);
      return verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      throw new Invalid("tls_certificate.private_key cannot be checked against the certificate: " + e.getMessage());
    }
  }

  private static String text(DataSource ds, String field) throws Invalid {
    return new String(read(ds, field), StandardCharsets.UTF_8);
  }

  /** The bytes of a data source (inline, a file, or an environment variable). */
  static byte[] read(DataSource ds, String field) throws Invalid {
    switch (ds.getSpecifierCase()) {
      case INLINE_BYTES:
        return ds.getInlineBytes().toByteArray();
      case INLINE_STRING:
        return ds.getInlineString().getBytes(StandardCharsets.UTF_8);
      case FILENAME:
        try {
          return Files.readAllBytes(Path.of(ds.getFilename()));
        } catch (IOException | RuntimeException e) {
          throw new Invalid(field + ": cannot read " + ds.getFilename() + ": " + e.getMessage());
        }
      case ENVIRONMENT_VARIABLE:
        String v = System.getenv(ds.getEnvironmentVariable());
        if (v == null) {
          throw new Invalid(field + ": environment variable " + ds.getEnvironmentVariable() + " is not set");
        }
        return v.getBytes(StandardCharsets.UTF_8);
      default:
        throw new Invalid(field + " is empty");
    }
  }

  /** What is wrong with a secret. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }
}
