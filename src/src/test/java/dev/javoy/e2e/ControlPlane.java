package dev.javoy.e2e;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real xDS control plane for end-to-end tests: java-control-plane's {@link V3DiscoveryServer} (ADS and SDS, state
 * of the world and delta) over a {@link SimpleCache}, on a TCP port of 127.0.0.1 or a Unix socket (as Istio's agent
 * serves {@code xds-grpc} and {@code sds-grpc}). It records the NACKs (requests with {@code error_detail}) and the
 * ACKed versions by type, and writes the bootstrap YAML pointing javoy at it.
 */
final class ControlPlane implements AutoCloseable {
  /** One node group: every node sees the same snapshot. */
  private static final String GROUP = "javoy";

  /** A rejected response: the request's type URL and {@code error_detail} message. */
  record Nack(String typeUrl, String message) {
    @Override
    public String toString() {
      return typeUrl + " " + message;
    }
  }

  final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final List<Nack> nacks = new CopyOnWriteArrayList<>();
  /** {@code <type URL>@<version>} of every ACK, with the time ({@link System#nanoTime}) of the first. */
  private final Map<String, Long> acks = new ConcurrentHashMap<>();
  /** Per type URL, when its first request came ({@link System#nanoTime}). */
  private final Map<String, Long> firstRequests = new ConcurrentHashMap<>();
  /** Delta ACKs carry no version: the version each response ({@code <stream>#<type URL>#<nonce>}) was sent with. */
  private final Map<String, String> deltaNonceVersions = new ConcurrentHashMap<>();
  private final V3DiscoveryServer discovery;
  private final java.net.SocketAddress address;
  private final EventLoopGroup group;
  private volatile Consumer<DiscoveryRequest> requestObserver = r -> {};
  private volatile Consumer<DeltaDiscoveryRequest> deltaRequestObserver = r -> {};
  private Server server;
  private int secretsVersion;

  private ControlPlane(java.net.SocketAddress address) throws IOException {
    this.address = address;
    this.group = address instanceof DomainSocketAddress
        ? new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()) : null;
    this.discovery = new V3DiscoveryServer(new Recorder(), cache);
    start();
  }

  /** On a free port of 127.0.0.1. */
  static ControlPlane tcp() throws IOException {
    return new ControlPlane(new InetSocketAddress("127.0.0.1", 0));
  }

  /** On this port of 127.0.0.1 (for a test that stops and {@link #start restarts} it at the same address). */
  static ControlPlane tcp(int port) throws IOException {
    return new ControlPlane(new InetSocketAddress("127.0.0.1", port));
  }

  /** On a Unix socket at {@code socket} (epoll). */
  static ControlPlane unixSocket(Path socket) throws IOException {
    return new ControlPlane(new DomainSocketAddress(socket.toString()));
  }

  /** Starts serving (again after {@link #stop}), with the same cache and recordings. */
  synchronized void start() throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(address).maxInboundMessageSize(256 << 20);
    if (group != null) {
      b.channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(group).workerEventLoopGroup(group)
          .withChildOption(ChannelOption.SO_KEEPALIVE, null);
    }
    server = b.addService(discovery.getAggregatedDiscoveryServiceImpl())
        .addService(discovery.getSecretDiscoveryServiceImpl()).build().start();
  }

  /** Stops serving: the streams break, as when the control plane goes away. */
  synchronized void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  Path socket() {
    return Path.of(((DomainSocketAddress) address).path());
  }

  /** Serves this snapshot to every node from now on. */
  void set(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  /** Serves exactly these secrets (and no other resources) from now on, as a new version. */
  synchronized void pushSecrets(Secret... secrets) {
    secretsVersion++;
    set(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(secrets), Integer.toString(secretsVersion)));
  }

  /** Also sees every request (state of the world) as it arrives, on a gRPC thread. */
  void observeRequests(Consumer<DiscoveryRequest> observer) {
    this.requestObserver = observer;
  }

  /** Also sees every delta request as it arrives, on a gRPC thread. */
  void observeDeltaRequests(Consumer<DeltaDiscoveryRequest> observer) {
    this.deltaRequestObserver = observer;
  }

  /** Every NACK so far, in order. */
  List<Nack> nacks() {
    return List.copyOf(nacks);
  }

  /** The NACK messages of one type. */
  Set<String> nackMessages(String typeUrl) {
    Set<String> out = new LinkedHashSet<>();
    for (Nack n : nacks) {
      if (n.typeUrl().equals(typeUrl)) {
        out.add(n.message());
      }
    }
    return out;
  }

  /** Forgets the NACKs, ACKs and first requests recorded so far (a new javoy process comes). */
  void clearRecordings() {
    nacks.clear();
    acks.clear();
    firstRequests.clear();
  }

  /** When the first request of {@code typeUrl} came ({@link System#nanoTime}), or null. */
  Long firstRequestAt(String typeUrl) {
    return firstRequests.get(typeUrl);
  }

  /** {@code <type URL>@<version>} of every ACK so far. */
  Set<String> acks() {
    return Set.copyOf(acks.keySet());
  }

  /** Whether {@code version} of {@code typeUrl} was ACKed. */
  boolean acked(String typeUrl, String version) {
    return acks.containsKey(typeUrl + "@" + version);
  }

  /** When {@code version} of {@code typeUrl} was first ACKed ({@link System#nanoTime}), or null. */
  Long ackedAt(String typeUrl, String version) {
    return acks.get(typeUrl + "@" + version);
  }

  /** Waits until javoy ACKs {@code version} of {@code typeUrl}; fails after {@code timeout}. */
  void awaitAck(String typeUrl, String version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!acked(typeUrl, version)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no ACK of " + typeUrl + " version " + version + " in " + timeout + "; NACKs: "
            + nacks);
      }
      Thread.sleep(10);
    }
  }

  /**
   * A bootstrap ({@code node: {id: test-node, cluster: test}}) taking listeners and clusters over ADS from this
   * server with {@code api_type} {@code apiType} (GRPC or DELTA_GRPC).
   */
  String adsBootstrap(int admin, String apiType) {
    return adsBootstrap("{id: test-node, cluster: test}", admin, apiType, true);
  }

  /** {@link #adsBootstrap(int, String)} with this {@code node} (a YAML flow map) and node-on-first-message choice. */
  String adsBootstrap(String node, int admin, String apiType, boolean nodeOnFirstMessageOnly) {
    return adsBootstrap(node, admin, apiType, nodeOnFirstMessageOnly, clusterYaml("xds-grpc"));
  }

  /**
   * A bootstrap taking listeners and clusters over ADS ({@code initial_fetch_timeout: 0s}) from the static cluster
   * {@code xds-grpc} in {@code xdsGrpcCluster} ({@link #clusterYaml}, {@link #tcpClusterYaml}).
   */
  static String adsBootstrap(String node, int admin, String apiType, boolean nodeOnFirstMessageOnly,
      String xdsGrpcCluster) {
    return """
        node: %s
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        dynamic_resources:
          ads_config:
            api_type: %s
            transport_api_version: V3
        %s    grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]
          lds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
          cds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
        static_resources:
          clusters:
        """.formatted(node, admin, apiType, nodeOnFirstMessageOnly ? "    set_node_on_first_message_only: true\n" : "")
        + xdsGrpcCluster;
  }

  /**
   * A STATIC HTTP/2 cluster {@code name} pointing at this server, as a YAML list item indented by two spaces (for
   * {@code static_resources.clusters}); on a Unix socket a {@code pipe} address, as Istio's {@code xds-grpc} and
   * {@code sds-grpc}.
   */
  String clusterYaml(String name) {
    return group != null ? grpcClusterYaml(name, "{pipe: {path: " + socket() + "}}") : tcpClusterYaml(name, port());
  }

  /** {@link #clusterYaml} for a gRPC server on 127.0.0.1:{@code port}. */
  static String tcpClusterYaml(String name, int port) {
    return grpcClusterYaml(name, "{socket_address: {address: 127.0.0.1, port_value: " + port + "}}");
  }

  private static String grpcClusterYaml(String name, String address) {
    return """
          - name: %s
            type: STATIC
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: %s
              endpoints: [{lb_endpoints: [{endpoint: {address: %s}}]}]
        """.formatted(name, name, address);
  }

  /** The {@code sds_config} of Istio's SDS secrets: the {@code sds-grpc} cluster, with this initial fetch timeout. */
  static String sdsConfigYaml(String initialFetchTimeout) {
    return "{api_config_source: {api_type: GRPC, transport_api_version: V3, set_node_on_first_message_only: true,"
        + " grpc_services: [{envoy_grpc: {cluster_name: sds-grpc}}]}, initial_fetch_timeout: " + initialFetchTimeout
        + ", resource_api_version: V3}";
  }

  @Override
  public void close() throws Exception {
    stop();
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Records NACKs and ACKs, then hands the request to the test's observer. */
  private final class Recorder implements DiscoveryServerCallbacks {
    private final Set<String> ackedBeforeRecorded = new java.util.HashSet<>();

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      firstRequests.putIfAbsent(request.getTypeUrl(), System.nanoTime());
      if (request.hasErrorDetail()) {
        nacks.add(new Nack(request.getTypeUrl(), request.getErrorDetail().getMessage()));
      } else if (!request.getVersionInfo().isEmpty()) {
        acks.putIfAbsent(request.getTypeUrl() + "@" + request.getVersionInfo(), System.nanoTime());
      }
      requestObserver.accept(request);
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      firstRequests.putIfAbsent(request.getTypeUrl(), System.nanoTime());
      if (request.hasErrorDetail()) {
        nacks.add(new Nack(request.getTypeUrl(), request.getErrorDetail().getMessage()));
      } else if (!request.getResponseNonce().isEmpty()) {
        deltaAck(streamId, request.getTypeUrl(), request.getResponseNonce());
      }
      deltaRequestObserver.accept(request);
    }

    /** The ACK of a delta response: its version may be recorded only after the ACK arrives (other thread). */
    private synchronized void deltaAck(long streamId, String typeUrl, String nonce) {
      String key = streamId + "#" + typeUrl + "#" + nonce;
      String version = deltaNonceVersions.remove(key);
      if (version != null) {
        acks.putIfAbsent(typeUrl + "@" + version, System.nanoTime());
      } else {
        ackedBeforeRecorded.add(key);
      }
    }

    @Override
    public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request,
        DeltaDiscoveryResponse response) {
      synchronized (this) {
        String key = streamId + "#" + response.getTypeUrl() + "#" + response.getNonce();
        if (ackedBeforeRecorded.remove(key)) {
          acks.putIfAbsent(response.getTypeUrl() + "@" + response.getSystemVersionInfo(), System.nanoTime());
        } else {
          deltaNonceVersions.put(key, response.getSystemVersionInfo());
        }
      }
    }
  }
}
