package dev.javoy.proxy.extension;

import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;

/**
 * What an extension factory may use while building its filter from config (Envoy's
 * {@code FactoryContext}). Factories run on the main thread; what they build is immutable and shared by the
 * workers.
 */
public interface FactoryContext {
  StatsStore stats();

  ExtensionResolver extensions();

  ClusterManager clusterManager();

  ServerOptions options();

  /** The stat prefix of the listener being built, such as {@code listener.0.0.0.0_10000.}. */
  String listenerStatPrefix();

  /** Route configurations over RDS, or null when no xDS is configured. */
  default dev.javoy.proxy.http.route.RdsSource rdsSource() {
    return null;
  }

  /** Named TLS secrets (static and SDS) for transport sockets. */
  default dev.javoy.proxy.secret.SecretProvider secrets() {
    return dev.javoy.proxy.secret.SecretProvider.NONE;
  }

  /** The bootstrap's {@code node} (Envoy's {@code LocalInfo}): Istio's peer metadata comes from its metadata. */
  default io.envoyproxy.envoy.config.core.v3.Node localNode() {
    return io.envoyproxy.envoy.config.core.v3.Node.getDefaultInstance();
  }

  /** The {@code traffic_direction} of the listener being built (Envoy's {@code ListenerInfo::direction}). */
  default io.envoyproxy.envoy.config.core.v3.TrafficDirection trafficDirection() {
    return io.envoyproxy.envoy.config.core.v3.TrafficDirection.UNSPECIFIED;
  }

  /** The process's tracers: the bootstrap's {@code tracing.http} and the providers connection managers name. */
  default dev.javoy.proxy.tracing.TracerProviders tracerProviders() {
    return dev.javoy.proxy.tracing.TracerProviders.none();
  }
}
