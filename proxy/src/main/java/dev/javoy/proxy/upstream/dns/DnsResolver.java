package dev.javoy.proxy.upstream.dns;

import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import java.util.function.Consumer;

/** Resolves host names for DNS clusters without ever blocking (Envoy's {@code Network::DnsResolver}). */
public interface DnsResolver {
  /**
   * Starts resolving {@code hostname}; {@code done} runs exactly once, on the main event loop, possibly before
   * this method returns (IP literals, hosts file).
   */
  void resolve(String hostname, DnsLookupFamily family, Consumer<DnsResolution> done);

  default void close() {}
}
