package dev.javoy.proxy.xds;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.secret.SecretSource;
import dev.javoy.proxy.secret.SecretSources;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.xds.ResourceSubscriber;
import dev.javoy.xds.ResourceType;
import dev.javoy.xds.XdsClient;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The SDS config sources of a server: {@code ads} (named Secret subscriptions on the ADS stream of
 * {@code dynamic_resources.ads_config}), {@code api_config_source} GRPC/DELTA_GRPC (one {@link XdsClient} per
 * distinct source, e.g. Istio's {@code sds-grpc} pipe cluster, shared by every secret it serves) and watched
 * files ({@code path_config_source}/{@code path}, one {@link FileSecretSource} per file). Clients are created at
 * the first subscription, on the main thread, when the static clusters they name exist.
 */
public final class XdsSecretSources implements SecretSources {
  private static final Logger LOG = Log.get("secret");

  private final Bootstrap bootstrap;
  private final ClusterManager clusters;
  private final EventLoop mainLoop;
  private final EventLoopGroup transportGroup;
  private final Transport transport;
  private final ProtoJsonParser fileParser;
  private Supplier<XdsClient> ads = () -> null;
  private final Map<ApiConfigSource, XdsClient> clients = new LinkedHashMap<>();
  private final Map<ApiConfigSource, SdsConnectedState> connectedStates = new LinkedHashMap<>();
  private dev.javoy.proxy.stats.StatsStore stats;
  private final Map<Path, FileSecretSource> files = new LinkedHashMap<>();
  private boolean closed;

  public XdsSecretSources(Bootstrap bootstrap, ClusterManager clusters, EventLoop mainLoop,
      EventLoopGroup transportGroup, Transport transport, ProtoJsonParser fileParser) {
    this.bootstrap = bootstrap;
    this.clusters = clusters;
    this.mainLoop = mainLoop;
    this.transportGroup = transportGroup;
    this.transport = transport;
    this.fileParser = fileParser;
  }

  /** Where SDS clients keep {@code sds.<name>.control_plane.connected_state} (none without). */
  public void setStats(dev.javoy.proxy.stats.StatsStore stats) {
    this.stats = stats;
  }

  /** The ADS client ({@link XdsResources#client()}), once the server created it. */
  public void setAdsClient(Supplier<XdsClient> ads) {
    this.ads = ads;
  }

  @Override
  public SecretSource open(ConfigSource cs, String path) throws ConfigException {
    FieldSupport.check(cs, path, Set.of("ads", "api_config_source", "path_config_source", "path",
        "initial_fetch_timeout", "resource_api_version"));
    Path file = XdsBootstrap.filePath(cs, path);
    if (file != null) {
      return (name, timeout, subscriber) -> files
          .computeIfAbsent(file, f -> new FileSecretSource(f, fileParser, mainLoop))
          .subscribe(name, timeout, subscriber);
    }
    if (cs.hasAds()) {
      if (!bootstrap.getDynamicResources().hasAdsConfig()) {
        throw new ConfigException(path + ".ads", "SDS over ADS needs dynamic_resources.ads_config");
      }
      return (name, timeout, subscriber) -> subscribe(ads.get(), name, timeout, subscriber);
    }
    if (!cs.hasApiConfigSource()) {
      throw new ConfigException(path, "an SDS config source needs ads, api_config_source or path_config_source");
    }
    ApiConfigSource api = cs.getApiConfigSource();
    String ap = path + ".api_config_source";
    if (api.getApiType() == ApiConfigSource.ApiType.AGGREGATED_GRPC
        || api.getApiType() == ApiConfigSource.ApiType.AGGREGATED_DELTA_GRPC) {
      throw new ConfigException(ap + ".api_type", "use ads: {} for SDS over the ADS stream");
    }
    XdsBootstrap.checkApiSource(api, ap);
    var gs = api.getGrpcServices(0);
    if (gs.hasEnvoyGrpc() && clusters.get(gs.getEnvoyGrpc().getClusterName()) == null
        && bootstrap.getStaticResources().getClustersList().stream()
            .noneMatch(c -> c.getName().equals(gs.getEnvoyGrpc().getClusterName()))) {
      throw new ConfigException(ap + ".grpc_services[0].envoy_grpc.cluster_name",
          "unknown gRPC cluster '" + gs.getEnvoyGrpc().getClusterName() + "' (SDS needs a static cluster)");
    }
    return (name, timeout, subscriber) -> {
      XdsClient client = clients.get(api);
      if (client == null && !closed) {
        try {
          var config = XdsBootstrap.clientConfig(api, ap, false, bootstrap.getNode(), clusters, mainLoop,
              transportGroup, transport);
          if (stats != null) {
            SdsConnectedState state = new SdsConnectedState(stats);
            connectedStates.put(api, state);
            config.statsListener(state);
          }
          client = XdsClient.create(config.build());
          clients.put(api, client);
        } catch (ConfigException e) {
          LOG.warning("SDS: cannot reach the SDS server: " + e.getMessage());
        }
      }
      SdsConnectedState state = connectedStates.get(api);
      if (state != null) {
        state.track(name);
      }
      return subscribe(client, name, timeout, subscriber);
    };
  }

  private static Runnable subscribe(XdsClient client, String name, Duration timeout,
      ResourceSubscriber<Secret> subscriber) {
    if (client == null) {
      subscriber.onError(Status.UNAVAILABLE.withDescription("no SDS client"));
      return () -> { };
    }
    return client.subscribe(ResourceType.SECRET, name, timeout, subscriber)::cancel;
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(XdsClient::close);
    clients.clear();
    files.values().forEach(FileSecretSource::stop);
    files.clear();
  }
}
