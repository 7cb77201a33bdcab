package dev.javoy.proxy.secret;

import dev.javoy.xds.ResourceSubscriber;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.time.Duration;

/** One SDS config source (an xDS server, the ADS stream, or a watched file) that secrets are subscribed from. */
public interface SecretSource {
  /**
   * Subscribes to the secret {@code name}; {@code subscriber} hears of it on the main thread and says what it
   * rejected (a NACK). Called on the main thread.
   *
   * @return cancels the subscription
   */
  Runnable subscribe(String name, Duration initialFetchTimeout, ResourceSubscriber<Secret> subscriber);
}
