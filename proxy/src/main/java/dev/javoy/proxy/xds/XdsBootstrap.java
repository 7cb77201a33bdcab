package dev.javoy.proxy.xds;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.xds.XdsClientConfig;
import dev.javoy.xds.XdsProtocol;
import dev.javoy.xds.XdsServerTarget;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource.ApiType;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;

/**
 * Turns the bootstrap's {@code dynamic_resources} into an xDS client configuration: ADS (state of the world or
 * delta) or per-type streams to the management server named by an {@code envoy_grpc} static cluster (its first
 * host: a TCP address or a {@code pipe}, as Istio's {@code xds-grpc}) or a {@code google_grpc} target URI.
 */
final class XdsBootstrap {
  private XdsBootstrap() {}

  /**
   * @param client the xDS client to build, or null when every source is a file
   * @param ldsPath / cdsPath the files of {@code path_config_source} LDS/CDS, or null
   */
  record Settings(XdsClientConfig.Builder client, Duration ldsInitialFetchTimeout, Duration cdsInitialFetchTimeout,
      java.nio.file.Path ldsPath, java.nio.file.Path cdsPath) {}

  static Settings settings(Bootstrap b, ClusterManager clusters, EventLoop mainLoop, EventLoopGroup transportGroup,
      Transport transport) throws ConfigException {
    var dr = b.getDynamicResources();
    FieldSupport.check(dr, "dynamic_resources", Set.of("lds_config", "cds_config", "ads_config"));
    java.nio.file.Path ldsPath = filePath(dr.getLdsConfig(), "dynamic_resources.lds_config");
    java.nio.file.Path cdsPath = filePath(dr.getCdsConfig(), "dynamic_resources.cds_config");
    if (!dr.hasAdsConfig() && (ldsPath != null || !dr.hasLdsConfig()) && (cdsPath != null || !dr.hasCdsConfig())) {
      return new Settings(null, fetchTimeout(dr.getLdsConfig()), fetchTimeout(dr.getCdsConfig()), ldsPath, cdsPath);
    }
    ApiConfigSource server;
    boolean aggregated;
    if (dr.hasAdsConfig()) {
      server = dr.getAdsConfig();
      aggregated = true;
      checkSource(dr.getLdsConfig(), "dynamic_resources.lds_config", true);
      checkSource(dr.getCdsConfig(), "dynamic_resources.cds_config", true);
    } else {
      boolean cdsApi = dr.hasCdsConfig() && cdsPath == null;
      ConfigSource cds = cdsApi ? dr.getCdsConfig() : dr.getLdsConfig();
      String p = cdsApi ? "dynamic_resources.cds_config" : "dynamic_resources.lds_config";
      checkSource(cds, p, false);
      server = cds.getApiConfigSource();
      aggregated = false;
    }
    String sp = aggregated ? "dynamic_resources.ads_config" : "dynamic_resources.cds_config.api_config_source";
    XdsClientConfig.Builder builder = clientConfig(server, sp, aggregated, b.getNode(), clusters, mainLoop,
        transportGroup, transport);
    return new Settings(builder, fetchTimeout(dr.getLdsConfig()), fetchTimeout(dr.getCdsConfig()), ldsPath, cdsPath);
  }

  /** Checks an {@code api_config_source} (or {@code ads_config}) without resolving its cluster. */
  static XdsProtocol checkApiSource(ApiConfigSource server, String sp) throws ConfigException {
    FieldSupport.check(server, sp, Set.of("api_type", "transport_api_version", "grpc_services",
        "set_node_on_first_message_only", "rate_limit_settings", "request_timeout"));
    XdsProtocol protocol = switch (server.getApiType()) {
      case GRPC, AGGREGATED_GRPC -> XdsProtocol.STATE_OF_THE_WORLD;
      case DELTA_GRPC, AGGREGATED_DELTA_GRPC -> XdsProtocol.DELTA;
      default -> throw new ConfigException(sp + ".api_type", "api_type " + server.getApiType()
          + " is not supported (GRPC and DELTA_GRPC are)");
    };
    if (server.getGrpcServicesCount() == 0) {
      throw new ConfigException(sp + ".grpc_services", "a gRPC service is required");
    }
    FieldSupport.check(server.getGrpcServices(0), sp + ".grpc_services[0]",
        Set.of("envoy_grpc", "google_grpc", "timeout", "initial_metadata"));
    return protocol;
  }

  /**
   * The client configuration of one management server given by an {@code api_config_source} (or the
   * {@code ads_config}) at JSON path {@code sp}; its {@code envoy_grpc} cluster must be known to {@code clusters}.
   */
  static XdsClientConfig.Builder clientConfig(ApiConfigSource server, String sp, boolean aggregated,
      io.envoyproxy.envoy.config.core.v3.Node node, ClusterManager clusters, EventLoop mainLoop,
      EventLoopGroup transportGroup, Transport transport) throws ConfigException {
    XdsProtocol protocol = checkApiSource(server, sp);
    SocketAddress address = target(server.getGrpcServices(0), sp + ".grpc_services[0]", clusters);
    XdsServerTarget target = XdsServerTarget.of(address);
    boolean pipe = address instanceof DomainSocketAddress;
    if (pipe && !transport.supportsDomainSockets()) {
      throw new ConfigException(sp + ".grpc_services[0]", "a Unix socket xDS server needs the epoll transport");
    }
    return XdsClientConfig.builder()
        .node(node)
        .server(target)
        .transport(transportGroup, pipe ? transport.domainSocketChannel() : transport.socketChannel())
        .eventLoop(mainLoop)
        .protocol(protocol)
        .aggregated(aggregated)
        .setNodeOnFirstMessageOnly(server.getSetNodeOnFirstMessageOnly());
  }

  /** The file of a {@code path_config_source}, or null for other sources. */
  static java.nio.file.Path filePath(ConfigSource cs, String path) throws ConfigException {
    if (!cs.hasPathConfigSource() && cs.getPath().isEmpty()) {
      return null;
    }
    FieldSupport.check(cs, path, Set.of("path_config_source", "path", "initial_fetch_timeout", "resource_api_version"));
    if (cs.hasPathConfigSource()) {
      FieldSupport.check(cs.getPathConfigSource(), path + ".path_config_source", Set.of("path", "watched_directory"));
      return java.nio.file.Path.of(cs.getPathConfigSource().getPath());
    }
    return java.nio.file.Path.of(cs.getPath());
  }

  static Duration fetchTimeout(ConfigSource cs) {
    return cs.hasInitialFetchTimeout()
        ? Duration.ofMillis(Durations.toMillis(cs.getInitialFetchTimeout())) : XdsClientConfig.DEFAULT_INITIAL_FETCH_TIMEOUT;
  }

  /** A config source of LDS/CDS/RDS/EDS: ADS when {@code ads}, else its own API source. */
  static void checkSource(ConfigSource cs, String path, boolean adsAllowed) throws ConfigException {
    if (cs.hasPathConfigSource() || !cs.getPath().isEmpty() || cs.getConfigSourceSpecifierCase()
        == ConfigSource.ConfigSourceSpecifierCase.CONFIGSOURCESPECIFIER_NOT_SET) {
      return; // a file source, or none (the type is not subscribed)
    }
    FieldSupport.check(cs, path, Set.of("ads", "api_config_source", "initial_fetch_timeout", "resource_api_version"));
    if (cs.hasAds() && !adsAllowed) {
      throw new ConfigException(path + ".ads", "ads config source without ads_config");
    }
    if (!cs.hasAds() && !cs.hasApiConfigSource()) {
      throw new ConfigException(path, "only ads and api_config_source config sources are supported"
          + " (path_config_source is not yet)");
    }
    if (cs.hasApiConfigSource() && cs.getApiConfigSource().getApiType() == ApiType.REST) {
      throw new ConfigException(path + ".api_config_source.api_type", "REST xDS is not supported");
    }
  }

  private static SocketAddress target(GrpcService gs, String path, ClusterManager clusters) throws ConfigException {
    FieldSupport.check(gs, path, Set.of("envoy_grpc", "google_grpc", "timeout", "initial_metadata"));
    if (gs.hasEnvoyGrpc()) {
      String name = gs.getEnvoyGrpc().getClusterName();
      UpstreamCluster c = clusters.get(name);
      if (c == null) {
        throw new ConfigException(path + ".envoy_grpc.cluster_name", "unknown gRPC cluster '" + name + "'");
      }
      if (c.config().getLoadAssignment().getEndpointsCount() == 0) {
        throw new ConfigException(path + ".envoy_grpc.cluster_name", "gRPC cluster '" + name + "' has no endpoint");
      }
      var a = c.config().getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress();
      if (a.hasPipe()) {
        return new DomainSocketAddress(a.getPipe().getPath());
      }
      return new InetSocketAddress(a.getSocketAddress().getAddress(), a.getSocketAddress().getPortValue());
    }
    String uri = gs.getGoogleGrpc().getTargetUri();
    if (uri.startsWith("unix:")) {
      return new DomainSocketAddress(uri.substring(uri.startsWith("unix://") ? 7 : 5));
    }
    int colon = uri.lastIndexOf(':');
    if (colon <= 0) {
      throw new ConfigException(path + ".google_grpc.target_uri", "expected host:port or unix:path, got " + uri);
    }
    return InetSocketAddress.createUnresolved(uri.substring(0, colon), Integer.parseInt(uri.substring(colon + 1)));
  }
}
