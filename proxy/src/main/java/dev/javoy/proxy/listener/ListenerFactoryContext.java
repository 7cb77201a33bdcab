package dev.javoy.proxy.listener;

import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.route.RdsSource;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;

/** The server's {@link FactoryContext} plus what the listener being built adds: its {@code traffic_direction}. */
final class ListenerFactoryContext implements FactoryContext {
  private final FactoryContext server;
  private final TrafficDirection direction;

  private ListenerFactoryContext(FactoryContext server, TrafficDirection direction) {
    this.server = server;
    this.direction = direction;
  }

  static FactoryContext of(FactoryContext server, TrafficDirection direction) {
    return new ListenerFactoryContext(server, direction);
  }

  @Override
  public StatsStore stats() {
    return server.stats();
  }

  @Override
  public ExtensionResolver extensions() {
    return server.extensions();
  }

  @Override
  public ClusterManager clusterManager() {
    return server.clusterManager();
  }

  @Override
  public ServerOptions options() {
    return server.options();
  }

  @Override
  public String listenerStatPrefix() {
    return server.listenerStatPrefix();
  }

  @Override
  public RdsSource rdsSource() {
    return server.rdsSource();
  }

  @Override
  public SecretProvider secrets() {
    return server.secrets();
  }

  @Override
  public Node localNode() {
    return server.localNode();
  }

  @Override
  public dev.javoy.proxy.tracing.TracerProviders tracerProviders() {
    return server.tracerProviders();
  }

  @Override
  public TrafficDirection trafficDirection() {
    return direction;
  }
}
