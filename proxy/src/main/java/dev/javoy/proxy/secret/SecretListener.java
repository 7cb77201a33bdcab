package dev.javoy.proxy.secret;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

/** Told about a watched secret's versions, on the main thread. */
public interface SecretListener {
  /** The secret's current value: the first one, and every update after it. */
  void onSecret(Secret secret);

  /** The secret was removed by its source; the last value stays in use (as Envoy keeps it). */
  default void onSecretRemoved(String name) {}

  /**
   * The secret did not arrive within its {@code sds_config.initial_fetch_timeout} (never with {@code 0s}, which
   * waits forever, as Istio configures): what waits for it (a warming listener or cluster) may stop waiting, as
   * Envoy's init manager does; the secret may still arrive later through {@link #onSecret}.
   */
  default void onInitialFetchTimeout(String name) {}
}
