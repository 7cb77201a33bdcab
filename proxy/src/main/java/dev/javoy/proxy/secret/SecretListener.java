package dev.javoy.proxy.secret;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

/** Told about a watched secret's versions, on the main thread. */
public interface SecretListener {
  /** The secret's current value: the first one, and every update after it. */
  void onSecret(Secret secret);

  /** The secret was removed by its source; the last value stays in use (as Envoy keeps it). */
  default void onSecretRemoved(String name) {}
}
