package dev.javoy.proxy.tls;

import dev.javoy.proxy.accesslog.format.DataSources;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A loaded {@code TlsCertificate}: the chain (leaf first), its private key, and the names the leaf serves for SNI
 * selection (its DNS SANs, else its subject CN). Immutable.
 */
record TlsCertificateMaterial(X509Certificate[] chain, PrivateKey key, List<String> serverNames, String source) {
  static final Set<String> SUPPORTED = Set.of("certificate_chain", "private_key");

  static TlsCertificateMaterial from(TlsCertificate c, String path) throws ConfigException {
    FieldSupport.check(c, path, SUPPORTED);
    if (!c.hasCertificateChain()) {
      throw new ConfigException(path + ".certificate_chain", "a TLS certificate needs certificate_chain");
    }
    if (!c.hasPrivateKey()) {
      throw new ConfigException(path + ".private_key", "a TLS certificate needs private_key");
    }
    X509Certificate[] chain;
    try {
      chain = PemMaterial.certificates(DataSources.readBytes(c.getCertificateChain(), path + ".certificate_chain"));
    } catch (GeneralSecurityException e) {
      throw new ConfigException(path + ".certificate_chain", "failed to load certificate chain: " + e.getMessage(), e);
    }
    PrivateKey key;
    try {
      key = PemMaterial.privateKey(DataSources.readBytes(c.getPrivateKey(), path + ".private_key"));
    } catch (GeneralSecurityException e) {
      throw new ConfigException(path + ".private_key", "failed to load private key: " + e.getMessage(), e);
    }
    if (!chain[0].getPublicKey().getAlgorithm().equals(key.getAlgorithm())
        && !(chain[0].getPublicKey().getAlgorithm().equals("EC") && key.getAlgorithm().equals("ECDSA"))) {
      throw new ConfigException(path + ".private_key", "private key (" + key.getAlgorithm()
          + ") does not match the certificate (" + chain[0].getPublicKey().getAlgorithm() + ")");
    }
    List<String> names = new ArrayList<>();
    for (String dns : CertificateNames.sans(chain[0], CertificateNames.DNS)) {
      names.add(dns.toLowerCase(Locale.ROOT));
    }
    if (names.isEmpty()) {
      String cn = CertificateNames.commonName(chain[0]);
      if (!cn.isEmpty()) {
        names.add(cn.toLowerCase(Locale.ROOT));
      }
    }
    return new TlsCertificateMaterial(chain, key, List.copyOf(names), sourceOf(c.getCertificateChain()));
  }

  /** Where a certificate came from, as Envoy's {@code /certs} names it: the file, else {@code <inline>}. */
  static String sourceOf(io.envoyproxy.envoy.config.core.v3.DataSource d) {
    return d.hasFilename() ? d.getFilename() : "<inline>";
  }
}
