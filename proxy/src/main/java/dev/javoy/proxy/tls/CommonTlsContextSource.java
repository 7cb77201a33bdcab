package dev.javoy.proxy.tls;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.secret.SecretListener;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.secret.SecretWatch;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The certificates and the validation context of a {@code CommonTlsContext}, static or from named secrets
 * ({@code tls_certificate_sds_secret_configs}, {@code validation_context_sds_secret_config}, Istio's
 * {@code combined_validation_context}). It watches the secrets (main thread) and hands a complete
 * {@link Snapshot} to its listener when every secret has arrived and on every update after that.
 */
final class CommonTlsContextSource {
  static final Set<String> SUPPORTED = Set.of("tls_params", "tls_certificates", "tls_certificate_sds_secret_configs",
      "validation_context", "validation_context_sds_secret_config", "combined_validation_context", "alpn_protocols");
  private static final Logger LOG = Log.get("secret");

  /** Everything a context is built from at one moment. */
  record Snapshot(List<TlsCertificateMaterial> certificates, CertificateValidation validation) {}

  /** Told about a complete snapshot (main thread); throws to reject it (the previous one stays). */
  interface Listener {
    void onSnapshot(Snapshot s) throws ConfigException;

    /** A secret did not arrive within its {@code initial_fetch_timeout}. */
    default void onInitialFetchTimeout(String secretName) {}
  }

  private final String path;
  private final TlsCertificateMaterial[] certificates;
  private final CertificateValidationContext staticValidation;
  private final boolean hasValidation;
  private final boolean dynamicValidation;
  private CertificateValidationContext dynamicValidationValue;
  private final List<SdsSecretConfig> sdsCertificates;
  private final int firstSdsIndex;
  private final SdsSecretConfig validationSecret;
  private final String validationSecretPath;
  private final List<SecretWatch> watches = new ArrayList<>();
  private Listener listener;
  private ConfigException firstError;
  private boolean started;

  final TlsParams params;
  final List<String> alpn;

  CommonTlsContextSource(CommonTlsContext c, String path, boolean server) throws ConfigException {
    FieldSupport.check(c, path, SUPPORTED);
    this.path = path;
    this.params = TlsParams.from(c.getTlsParams(), path + ".tls_params");
    this.alpn = List.copyOf(c.getAlpnProtocolsList());
    int n = c.getTlsCertificatesCount() + c.getTlsCertificateSdsSecretConfigsCount();
    this.certificates = new TlsCertificateMaterial[n];
    for (int i = 0; i < c.getTlsCertificatesCount(); i++) {
      certificates[i] = TlsCertificateMaterial.from(c.getTlsCertificates(i), FieldSupport.index(path, "tls_certificates", i));
    }
    if (server && n == 0) {
      throw new ConfigException(path, "no certificates: a server TLS context needs tls_certificates or "
          + "tls_certificate_sds_secret_configs");
    }
    int validations = (c.hasValidationContext() ? 1 : 0) + (c.hasValidationContextSdsSecretConfig() ? 1 : 0)
        + (c.hasCombinedValidationContext() ? 1 : 0);
    if (validations > 1) {
      throw new ConfigException(path, "only one of validation_context, validation_context_sds_secret_config and "
          + "combined_validation_context may be set");
    }
    if (c.hasCombinedValidationContext()) {
      var cv = c.getCombinedValidationContext();
      FieldSupport.check(cv, path + ".combined_validation_context",
          Set.of("default_validation_context", "validation_context_sds_secret_config"));
      staticValidation = cv.getDefaultValidationContext();
      dynamicValidation = cv.hasValidationContextSdsSecretConfig();
    } else if (c.hasValidationContext()) {
      staticValidation = c.getValidationContext();
      dynamicValidation = false;
    } else {
      staticValidation = null;
      dynamicValidation = c.hasValidationContextSdsSecretConfig();
    }
    hasValidation = validations > 0;
    this.sdsCertificates = c.getTlsCertificateSdsSecretConfigsList();
    this.firstSdsIndex = c.getTlsCertificatesCount();
    this.validationSecret = c.hasCombinedValidationContext()
        ? c.getCombinedValidationContext().getValidationContextSdsSecretConfig()
        : c.hasValidationContextSdsSecretConfig() ? c.getValidationContextSdsSecretConfig() : null;
    this.validationSecretPath = c.hasCombinedValidationContext()
        ? path + ".combined_validation_context.validation_context_sds_secret_config"
        : path + ".validation_context_sds_secret_config";
    if (staticValidation != null && !dynamicValidation) {
      // Checked now so that a bad static validation context fails the config at once.
      CertificateValidation.from(staticValidation, path + (c.hasCombinedValidationContext()
          ? ".combined_validation_context.default_validation_context" : ".validation_context"));
    }
  }

  /**
   * Starts the watches; {@code l} runs for the first complete snapshot (synchronously when every secret is
   * static) and for every update.
   *
   * @throws ConfigException when a secret cannot be watched, or when a static one is invalid
   */
  void start(SecretProvider secrets, Listener l) throws ConfigException {
    this.listener = l;
    for (int i = 0; i < sdsCertificates.size(); i++) {
      SdsSecretConfig sc = sdsCertificates.get(i);
      String p = FieldSupport.index(path, "tls_certificate_sds_secret_configs", i);
      FieldSupport.check(sc, p, Set.of("name", "sds_config"));
      int slot = firstSdsIndex + i;
      watches.add(secrets.watch(sc, p, secretListener(p, s -> {
        if (!s.hasTlsCertificate()) {
          throw new ConfigException(p, "secret '" + s.getName() + "' is not a tls_certificate");
        }
        certificates[slot] = TlsCertificateMaterial.from(s.getTlsCertificate(), "secret '" + s.getName() + "'.tls_certificate");
      })));
    }
    if (validationSecret != null) {
      FieldSupport.check(validationSecret, validationSecretPath, Set.of("name", "sds_config"));
      watches.add(secrets.watch(validationSecret, validationSecretPath, secretListener(validationSecretPath, s -> {
        if (!s.hasValidationContext()) {
          throw new ConfigException(validationSecretPath, "secret '" + s.getName() + "' is not a validation_context");
        }
        CertificateValidationContext merged = staticValidation == null ? s.getValidationContext()
            : CertificateValidation.combine(staticValidation, s.getValidationContext());
        CertificateValidation.from(merged, "secret '" + s.getName() + "'.validation_context");
        dynamicValidationValue = merged;
      })));
    }
    started = true;
    ConfigException e = firstError;
    firstError = null;
    if (e != null) {
      throw e;
    }
    publish();
  }

  private interface SecretApplier {
    void apply(Secret s) throws ConfigException;
  }

  private SecretListener secretListener(String p, SecretApplier applier) {
    return new SecretListener() {
      @Override
      public void onSecret(Secret s) {
        try {
          applier.apply(s);
          if (started) {
            publish();
          }
        } catch (ConfigException e) {
          if (!started) {
            firstError = e;
          } else {
            LOG.log(Level.WARNING, "rejected secret '" + s.getName() + "' for " + p + ": " + e.getMessage());
          }
        }
      }

      @Override
      public void onInitialFetchTimeout(String name) {
        LOG.warning("secret '" + name + "' for " + p + " did not arrive within its initial_fetch_timeout; "
            + "handshakes fail until it does");
        listener.onInitialFetchTimeout(name);
      }
    };
  }

  /** Hands the listener a snapshot once every part is there; a failure keeps the previous snapshot in force. */
  private void publish() throws ConfigException {
    for (TlsCertificateMaterial m : certificates) {
      if (m == null) {
        return;
      }
    }
    CertificateValidation validation = null;
    if (dynamicValidation) {
      if (dynamicValidationValue == null) {
        return;
      }
      validation = CertificateValidation.from(dynamicValidationValue, validationSecretPath);
    } else if (hasValidation) {
      validation = CertificateValidation.from(staticValidation, path + ".validation_context");
    }
    listener.onSnapshot(new Snapshot(List.of(certificates.clone()), validation));
  }

  /** The JSON path of the {@code common_tls_context}. */
  @Override
  public String toString() {
    return path;
  }

  void close() {
    for (SecretWatch w : watches) {
      w.close();
    }
    watches.clear();
  }
}
