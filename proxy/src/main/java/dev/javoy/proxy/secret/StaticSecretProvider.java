package dev.javoy.proxy.secret;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bootstrap's {@code static_resources.secrets}, by name. A {@link SdsSecretConfig} without
 * {@code sds_config} names one of them; one with {@code sds_config} goes to {@code dynamic}.
 */
public final class StaticSecretProvider implements SecretProvider {
  private final Map<String, Secret> secrets;
  private final SecretProvider dynamic;

  private StaticSecretProvider(Map<String, Secret> secrets, SecretProvider dynamic) {
    this.secrets = secrets;
    this.dynamic = dynamic;
  }

  /**
   * @param secrets {@code static_resources.secrets}
   * @param path the JSON path of the message holding them ({@code static_resources}), for errors
   * @param dynamic where secrets with an {@code sds_config} go ({@link SecretProvider#NONE} without SDS)
   */
  public static StaticSecretProvider of(List<Secret> secrets, String path, SecretProvider dynamic)
      throws ConfigException {
    Map<String, Secret> byName = new HashMap<>();
    for (int i = 0; i < secrets.size(); i++) {
      Secret s = secrets.get(i);
      String p = FieldSupport.index(path, "secrets", i);
      if (s.getName().isEmpty()) {
        throw new ConfigException(p + ".name", "a static secret needs a name");
      }
      if (byName.put(s.getName(), s) != null) {
        throw new ConfigException(p + ".name", "duplicate static secret '" + s.getName() + "'");
      }
    }
    return new StaticSecretProvider(Map.copyOf(byName), dynamic);
  }

  public Map<String, Secret> secrets() {
    return secrets;
  }

  /** Where secrets with an {@code sds_config} go. */
  public SecretProvider dynamic() {
    return dynamic;
  }

  /**
   * Envoy's {@code static_secrets} of the {@code SecretsConfigDump}, by name (whole: the admin's
   * {@code /config_dump} redacts sensitive fields).
   */
  public void addTo(io.envoyproxy.envoy.admin.v3.SecretsConfigDump.Builder dump,
      com.google.protobuf.Timestamp lastUpdated) {
    secrets.keySet().stream().sorted().forEach(name -> dump.addStaticSecrets(
        io.envoyproxy.envoy.admin.v3.SecretsConfigDump.StaticSecret.newBuilder().setName(name)
            .setLastUpdated(lastUpdated)
            .setSecret(com.google.protobuf.Any.pack(secrets.get(name)))));
  }

  @Override
  public SecretWatch watch(SdsSecretConfig config, String path, SecretListener listener) throws ConfigException {
    if (config.hasSdsConfig()) {
      return dynamic.watch(config, path, listener);
    }
    Secret s = secrets.get(config.getName());
    if (s == null) {
      throw new ConfigException(path + ".name", "static secret '" + config.getName() + "' is not defined");
    }
    listener.onSecret(s);
    return SecretWatch.NOOP;
  }
}
