package dev.javoy.e2e;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real SDS server (java-control-plane) on a Unix socket, as Istio's agent serves {@code sds-grpc}; the test sets
 * the secrets every node sees with {@link #push}.
 */
final class SdsTestServer implements AutoCloseable {
  private static final String GROUP = "javoy";
  final Path socket;
  final List<String> nacks = new CopyOnWriteArrayList<>();
  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final Server server;
  private int version;

  SdsTestServer(Path socket) throws Exception {
    this.socket = socket;
    V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getErrorDetail().getMessage());
        }
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId,
          io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getErrorDetail().getMessage());
        }
      }
    }, cache);
    server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(group).workerEventLoopGroup(group)
        .withChildOption(ChannelOption.SO_KEEPALIVE, null)
        .addService(discovery.getSecretDiscoveryServiceImpl()).build().start();
  }

  /** Serves exactly these secrets from now on (a new version). */
  synchronized void push(Secret... secrets) {
    version++;
    cache.setSnapshot(GROUP, Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(secrets),
        Integer.toString(version)));
  }

  /** The {@code sds_config} of Istio's SDS secrets: the {@code sds-grpc} cluster, {@code initial_fetch_timeout: 0s}. */
  static String sdsConfigYaml(String initialFetchTimeout) {
    return "{api_config_source: {api_type: GRPC, transport_api_version: V3, set_node_on_first_message_only: true,"
        + " grpc_services: [{envoy_grpc: {cluster_name: sds-grpc}}]}, initial_fetch_timeout: " + initialFetchTimeout
        + ", resource_api_version: V3}";
  }

  /** Istio's {@code sds-grpc} STATIC pipe cluster pointing at this server (YAML list item, 2-space indented). */
  String clusterYaml() {
    return """
          - name: sds-grpc
            type: STATIC
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: sds-grpc
              endpoints: [{lb_endpoints: [{endpoint: {address: {pipe: {path: %s}}}}]}]
        """.formatted(socket);
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
