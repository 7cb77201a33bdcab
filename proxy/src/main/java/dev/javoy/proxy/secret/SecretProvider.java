package dev.javoy.proxy.secret;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;

/**
 * Named TLS secrets (Envoy's {@code Secret::SecretManager}): certificates and validation contexts that
 * transport sockets refer to by name, from the bootstrap's {@code static_resources.secrets} or over SDS.
 * Used on the main thread only.
 */
public interface SecretProvider {
  /** A provider that knows no secret: every watch fails with a config error. */
  SecretProvider NONE = (config, path, listener) -> {
    throw new ConfigException(path, "secret '" + config.getName() + "' is not defined (no static secrets and no SDS)");
  };

  /**
   * Watches the secret {@code config} names: a static secret when it has no {@code sds_config}, else the SDS
   * source its {@code sds_config} names. {@code listener} runs on the main thread with the secret as soon as it
   * is known (synchronously, before this returns, for a static secret) and again on every update.
   *
   * @param path the JSON path of {@code config}, for errors
   * @throws ConfigException naming {@code path} when the secret cannot be watched (an unknown static secret, an
   *     unsupported config source)
   */
  SecretWatch watch(SdsSecretConfig config, String path, SecretListener listener) throws ConfigException;
}
