package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.health.HealthCheckFactory;
import dev.javoy.proxy.upstream.health.HealthCheckSpec;
import dev.javoy.proxy.tls.UpstreamTransportSockets;
import dev.javoy.proxy.upstream.lb.LbPolicy;
import dev.javoy.proxy.upstream.originaldst.OriginalDstCluster;
import dev.javoy.proxy.upstream.outlier.OutlierDetectionConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Set;

/** Builds an {@link UpstreamCluster} from an Envoy {@code Cluster}, rejecting what javoy does not implement. */
public final class ClusterFactory {
  static final Set<String> SUPPORTED_FIELDS = Set.of(
      "name", "alt_stat_name", "type", "connect_timeout", "lb_policy", "load_assignment",
      "typed_extension_protocol_options", "circuit_breakers", "upstream_connection_options",
      "max_requests_per_connection", "respect_dns_ttl", "dns_lookup_family", "dns_refresh_rate",
      "per_connection_buffer_limit_bytes", "http_protocol_options", "http2_protocol_options",
      "common_http_protocol_options", "transport_socket", "common_lb_config", "metadata",
      "ignore_health_on_host_removal", "close_connections_on_host_health_failure", "dns_failure_refresh_rate",
      "wait_for_warm_on_init", "cleanup_interval", "eds_cluster_config", "dns_jitter",
      "original_dst_lb_config", "upstream_bind_config",
      // load balancing (checked further by LbPolicy)
      "least_request_lb_config", "ring_hash_lb_config", "maglev_lb_config", "round_robin_lb_config",
      "load_balancing_policy",
      "outlier_detection", "health_checks", "transport_socket_matches",
      "filters", "protocol_selection");

  private final StatsStore stats;
  private final List<EventLoop> workerLoops;
  private final DnsDiscoveryFactory dns;
  private EdsSource edsSource;
  private SecretProvider secrets = SecretProvider.NONE;

  /** Creates the host discovery of DNS clusters (STRICT_DNS, LOGICAL_DNS). */
  public interface DnsDiscoveryFactory {
    HostDiscovery create(Cluster cluster, String path) throws ConfigException;
  }

  /** @param workerLoops the worker event loops, in worker index order */
  public ClusterFactory(StatsStore stats, List<EventLoop> workerLoops, DnsDiscoveryFactory dns) {
    this.stats = stats;
    this.workerLoops = List.copyOf(workerLoops);
    this.dns = dns;
  }

  StatsStore stats() {
    return stats;
  }

  public UpstreamCluster create(Cluster c, String path) throws ConfigException {
    FieldSupport.check(c, path, SUPPORTED_FIELDS);
    if (c.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "cluster name must not be empty");
    }
    if (c.hasUpstreamConnectionOptions()) {
      FieldSupport.check(c.getUpstreamConnectionOptions(), path + ".upstream_connection_options",
          Set.of("tcp_keepalive"));
    }
    if (c.hasOriginalDstLbConfig() && c.getType() != Cluster.DiscoveryType.ORIGINAL_DST) {
      throw new ConfigException(path + ".original_dst_lb_config", "original_dst_lb_config needs type ORIGINAL_DST");
    }
    long connectTimeout = c.hasConnectTimeout() ? Durations.toMillis(c.getConnectTimeout()) : 5000;
    CircuitBreakers cb = c.hasCircuitBreakers()
        ? CircuitBreakers.from(c.getCircuitBreakers(), path + ".circuit_breakers") : CircuitBreakers.DEFAULTS;
    HttpUpstreamOptions http = HttpUpstreamOptions.from(c, path);
    int bufferLimit = c.hasPerConnectionBufferLimitBytes()
        ? c.getPerConnectionBufferLimitBytes().getValue() : 1024 * 1024;
    String statName = c.getAltStatName().isEmpty() ? c.getName() : c.getAltStatName();
    ClusterStats clusterStats = new ClusterStats(stats.scope("cluster." + statName + "."));
    HostDiscovery discovery = switch (c.getClusterDiscoveryTypeCase()) {
      case TYPE -> switch (c.getType()) {
        case STATIC -> new StaticHostDiscovery(staticHosts(c, path));
        case STRICT_DNS, LOGICAL_DNS -> dns.create(c, path);
        case EDS -> eds(c, path);
        case ORIGINAL_DST -> OriginalDstCluster.from(c, path, workerLoops);
        default -> throw new ConfigException(path + ".type", "cluster discovery type " + c.getType()
            + " is not supported yet");
      };
      case CLUSTER_TYPE -> throw new ConfigException(path + ".cluster_type",
          "custom cluster type '" + c.getClusterType().getName() + "' is not supported");
      default -> new StaticHostDiscovery(staticHosts(c, path));
    };
    UpstreamFilterChain upstreamFilters = upstreamFilters(c, path);
    LbPolicy lb = discovery instanceof OriginalDstCluster ? LbPolicy.CLUSTER_PROVIDED : LbPolicy.from(c, path);
    UpstreamTransportSockets sockets = UpstreamTransportSockets.from(c, path, secrets,
        CoreTypes.defaultRegistry().configTypes(), clusterStats.scope());
    try {
      UpstreamCluster cluster = new UpstreamCluster(c, connectTimeout, http, cb,
          c.getUpstreamConnectionOptions().hasTcpKeepalive() ? c.getUpstreamConnectionOptions().getTcpKeepalive() : null,
          bufferLimit, clusterStats, lb, workerLoops, discovery, sockets);
      if (c.hasUpstreamBindConfig()) {
        cluster.bindUpstreamFrom(upstreamBindAddress(c.getUpstreamBindConfig(), path + ".upstream_bind_config"));
      }
      cluster.setUpstreamFilters(upstreamFilters);
      configureHealth(cluster, c, connectTimeout, http, path);
      return cluster;
    } catch (ConfigException | RuntimeException e) {
      sockets.close();
      throw e;
    }
  }

  /** {@code upstream_bind_config}: its {@code source_address} only (Istio's inbound 127.0.0.6). */
  private static java.net.SocketAddress upstreamBindAddress(io.envoyproxy.envoy.config.core.v3.BindConfig b,
      String path) throws ConfigException {
    FieldSupport.check(b, path, Set.of("source_address"));
    var sa = b.getSourceAddress();
    FieldSupport.check(sa, path + ".source_address", Set.of("address", "port_value", "protocol"));
    if (sa.getProtocol() != io.envoyproxy.envoy.config.core.v3.SocketAddress.Protocol.TCP) {
      throw new ConfigException(path + ".source_address.protocol", "only TCP is supported");
    }
    return new java.net.InetSocketAddress(Addresses.ipLiteral(sa.getAddress(), path + ".source_address.address"),
        sa.getPortValue());
  }

  // ---- outlier_detection and health_checks ------------------------------------------------------------------

  private EventLoop mainLoop;

  /** The main event loop, where outlier detection and health checks run (set once by the server). */
  public void setMainLoop(EventLoop mainLoop) {
    this.mainLoop = mainLoop;
  }

  private void configureHealth(UpstreamCluster cluster, Cluster c, long connectTimeout, HttpUpstreamOptions http,
      String path) throws ConfigException {
    OutlierDetectionConfig outlier = c.hasOutlierDetection()
        ? OutlierDetectionConfig.from(c.getOutlierDetection(), path + ".outlier_detection") : null;
    HealthCheckSpec hc = null;
    if (c.getHealthChecksCount() > 1) {
      throw new ConfigException(path + ".health_checks", "Multiple health checks not supported");
    }
    if (c.getHealthChecksCount() == 1) {
      boolean tls = (c.hasTransportSocket()
          && !c.getTransportSocket().getTypedConfig().getTypeUrl().endsWith("raw_buffer.v3.RawBuffer")
          && !c.getTransportSocket().getName().equals("envoy.transport_sockets.raw_buffer"))
          || c.getTransportSocketMatchesCount() > 0;
      if (tls) {
        // Health checks would have to speak the cluster's transport socket (TLS); javoy's speak plaintext only.
        throw new ConfigException(FieldSupport.index(path, "health_checks", 0),
            "health checks of clusters with a transport socket other than raw_buffer are not supported yet");
      }
      hc = HealthCheckFactory.create(c.getHealthChecks(0), c.getName(), connectTimeout,
          FieldSupport.index(path, "health_checks", 0));
      if (hc instanceof HealthCheckSpec.Grpc && http.protocol() != HttpUpstreamOptions.Protocol.HTTP2) {
        throw new ConfigException(FieldSupport.index(path, "health_checks", 0) + ".grpc_health_check",
            c.getName() + " cluster must support HTTP/2 for gRPC healthchecking");
      }
    }
    cluster.configureHealth(outlier, hc, mainLoop);
  }

  // ---- Cluster.filters (upstream network filters) ----

  private dev.javoy.proxy.extension.FactoryContext upstreamFilterContext;

  /** The context upstream network filters ({@code Cluster.filters}) are built with; set once by the server. */
  public void setUpstreamFilterContext(dev.javoy.proxy.extension.FactoryContext ctx) {
    this.upstreamFilterContext = ctx;
  }

  private UpstreamFilterChain upstreamFilters(Cluster c, String path) throws ConfigException {
    if (c.getFiltersCount() == 0) {
      return UpstreamFilterChain.EMPTY;
    }
    dev.javoy.proxy.extension.FactoryContext ctx = upstreamFilterContext;
    if (ctx == null) {
      ctx = new dev.javoy.proxy.extension.FactoryContext() { // a factory used on its own (tests)
        final dev.javoy.proxy.extension.ExtensionResolver resolver =
            new dev.javoy.proxy.extension.ExtensionResolver(dev.javoy.proxy.extension.CoreTypes.defaultRegistry());

        @Override public StatsStore stats() { return stats; }
        @Override public dev.javoy.proxy.extension.ExtensionResolver extensions() { return resolver; }
        @Override public ClusterManager clusterManager() { return null; }
        @Override public dev.javoy.proxy.server.ServerOptions options() {
          return dev.javoy.proxy.server.ServerOptions.defaults();
        }
        @Override public String listenerStatPrefix() { return ""; }
      };
    }
    return UpstreamFilterChain.build(c, path, ctx);
  }

  private HostDiscovery eds(Cluster c, String path) throws ConfigException {
    if (edsSource == null) {
      throw new ConfigException(path + ".type", "EDS clusters need xDS (dynamic_resources); none is configured");
    }
    var ecc = c.getEdsClusterConfig();
    FieldSupport.check(ecc, path + ".eds_cluster_config", Set.of("eds_config", "service_name"));
    var cs = ecc.getEdsConfig();
    if (!cs.hasAds() && !cs.hasApiConfigSource()) {
      throw new ConfigException(path + ".eds_cluster_config.eds_config",
          "only ads and api_config_source config sources are supported for EDS");
    }
    String service = ecc.getServiceName().isEmpty() ? c.getName() : ecc.getServiceName();
    return new EdsHostDiscovery(edsSource, service);
  }

  /**
   * Where clusters' TLS transport sockets find named secrets ({@code static_resources.secrets}, SDS); set by the
   * server before clusters are built (main thread).
   */
  public void setSecrets(SecretProvider secrets) {
    this.secrets = secrets;
  }

  /** Where EDS clusters subscribe; set once xDS is configured (main thread). */
  public void setEdsSource(EdsSource source) {
    this.edsSource = source;
  }

  private static List<Host> staticHosts(Cluster c, String path) throws ConfigException {
    return LoadAssignments.resolvedHosts(c.getName(), c.getLoadAssignment(), path + ".load_assignment");
  }
}
