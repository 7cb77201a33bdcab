package dev.javoy.proxy.secret;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;

/** Turns an {@code sds_config} into the {@link SecretSource} it names; sources are shared by equal configs. */
public interface SecretSources {
  /**
   * Checks {@code sdsConfig} and returns its source (nothing connects yet).
   *
   * @param path the JSON path of {@code sdsConfig}, for errors
   */
  SecretSource open(ConfigSource sdsConfig, String path) throws ConfigException;

  /** Closes every connection and file watch. */
  void close();
}
