package dev.javoy.proxy.tls;

import dev.javoy.proxy.accesslog.format.DataSources;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.TrustChainVerification;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.CertPathBuilder;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A compiled {@code CertificateValidationContext}: the trusted CAs (and CRLs) the peer's chain must lead to, then
 * the SAN matchers and the certificate hash / SPKI pins, in Envoy's order. Immutable.
 */
public final class CertificateValidation {
  static final Set<String> SUPPORTED = Set.of("trusted_ca", "match_typed_subject_alt_names",
      "match_subject_alt_names", "verify_certificate_spki", "verify_certificate_hash", "crl",
      "only_verify_leaf_cert_crl", "trust_chain_verification");

  /** The chain check (null without {@code trusted_ca}, or with {@code ACCEPT_UNTRUSTED}). */
  final X509TrustManager chainTrust;
  final List<SanMatcher> sanMatchers;
  final List<byte[]> certificateHashes;
  final List<byte[]> spkiHashes;
  /** Whether the config asks for any check (Envoy requests a client certificate only then). */
  final boolean verifiesPeer;
  /** The trusted CA certificates (for {@code /certs}; empty without {@code trusted_ca}) and where they came from. */
  final List<X509Certificate> trustedCas;
  final String trustedCaSource;

  private CertificateValidation(X509TrustManager chainTrust, List<SanMatcher> sanMatchers,
      List<byte[]> certificateHashes, List<byte[]> spkiHashes, boolean verifiesPeer, List<X509Certificate> trustedCas,
      String trustedCaSource) {
    this.trustedCas = trustedCas;
    this.trustedCaSource = trustedCaSource;
    this.chainTrust = chainTrust;
    this.sanMatchers = sanMatchers;
    this.certificateHashes = certificateHashes;
    this.spkiHashes = spkiHashes;
    this.verifiesPeer = verifiesPeer;
  }

  static CertificateValidation from(CertificateValidationContext v, String path) throws ConfigException {
    FieldSupport.check(v, path, SUPPORTED);
    List<SanMatcher> sans = new ArrayList<>();
    for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
      sans.add(SanMatcher.typed(v.getMatchTypedSubjectAltNames(i),
          FieldSupport.index(path, "match_typed_subject_alt_names", i)));
    }
    for (int i = 0; i < v.getMatchSubjectAltNamesCount(); i++) {
      sans.add(SanMatcher.legacy(v.getMatchSubjectAltNames(i), FieldSupport.index(path, "match_subject_alt_names", i)));
    }
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < v.getVerifyCertificateHashCount(); i++) {
      String h = v.getVerifyCertificateHash(i).replace(":", "");
      String p = FieldSupport.index(path, "verify_certificate_hash", i);
      if (h.length() != 64) {
        throw new ConfigException(p, "invalid hex-encoded SHA-256 " + v.getVerifyCertificateHash(i));
      }
      try {
        hashes.add(HexFormat.of().parseHex(h));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(p, "invalid hex-encoded SHA-256 " + v.getVerifyCertificateHash(i));
      }
    }
    List<byte[]> spkis = new ArrayList<>();
    for (int i = 0; i < v.getVerifyCertificateSpkiCount(); i++) {
      String p = FieldSupport.index(path, "verify_certificate_spki", i);
      byte[] d;
      try {
        d = Base64.getDecoder().decode(v.getVerifyCertificateSpki(i));
      } catch (IllegalArgumentException e) {
        d = null;
      }
      if (d == null || d.length != 32) {
        throw new ConfigException(p, "invalid base64-encoded SHA-256 " + v.getVerifyCertificateSpki(i));
      }
      spkis.add(d);
    }
    X509TrustManager chain = null;
    X509Certificate[] trusted = new X509Certificate[0];
    if (v.hasTrustedCa()) {
      String caPath = path + ".trusted_ca";
      X509Certificate[] cas;
      try {
        cas = PemMaterial.certificates(DataSources.readBytes(v.getTrustedCa(), caPath));
      } catch (GeneralSecurityException e) {
        throw new ConfigException(caPath, "failed to load trusted CA certificates: " + e.getMessage(), e);
      }
      trusted = cas;
      List<X509CRL> crls = List.of();
      if (v.hasCrl()) {
        try {
          crls = PemMaterial.crls(DataSources.readBytes(v.getCrl(), path + ".crl"));
        } catch (GeneralSecurityException e) {
          throw new ConfigException(path + ".crl", "failed to load CRL: " + e.getMessage(), e);
        }
      }
      if (v.getTrustChainVerification() != TrustChainVerification.ACCEPT_UNTRUSTED) {
        chain = pkix(cas, crls, v.getOnlyVerifyLeafCertCrl(), caPath);
      }
    } else {
      if (!sans.isEmpty()) {
        throw new ConfigException(path, "SAN-based verification of peer certificates without trusted CA is insecure "
            + "and not allowed");
      }
      if (v.hasCrl()) {
        throw new ConfigException(path + ".crl", "certificate revocation list without trusted CA is insecure and "
            + "not allowed");
      }
    }
    boolean verifies = v.hasTrustedCa() || !hashes.isEmpty() || !spkis.isEmpty();
    return new CertificateValidation(chain, List.copyOf(sans), List.copyOf(hashes), List.copyOf(spkis), verifies,
        List.of(trusted), v.hasTrustedCa() ? TlsCertificateMaterial.sourceOf(v.getTrustedCa()) : "");
  }

  private static X509TrustManager pkix(X509Certificate[] cas, List<X509CRL> crls, boolean onlyLeaf, String path)
      throws ConfigException {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < cas.length; i++) {
        ks.setCertificateEntry("ca-" + i, cas[i]);
      }
      PKIXBuilderParameters params = new PKIXBuilderParameters(ks, null);
      if (crls.isEmpty()) {
        params.setRevocationEnabled(false);
      } else {
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        params.setRevocationEnabled(true);
        PKIXRevocationChecker rc = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        EnumSet<PKIXRevocationChecker.Option> opts =
            EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK);
        if (onlyLeaf) {
          opts.add(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
        }
        rc.setOptions(opts);
        params.addCertPathChecker(rc);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(new CertPathTrustManagerParameters(params));
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new ConfigException(path, "no X.509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new ConfigException(path, "failed to load trusted CA certificates: " + e.getMessage(), e);
    }
  }

  /**
   * Merges Istio's {@code combined_validation_context}: the SDS validation context merged into the default one
   * (Envoy's {@code MergeFrom}: repeated fields concatenated, set singular fields replaced).
   */
  static CertificateValidationContext combine(CertificateValidationContext defaults,
      CertificateValidationContext dynamic) {
    return defaults.toBuilder().mergeFrom(dynamic).build();
  }
}
