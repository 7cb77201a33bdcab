package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.lb.LbPolicy;
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
      "wait_for_warm_on_init", "cleanup_interval", "eds_cluster_config", "dns_jitter", "filters");

  private final StatsStore stats;
  private final List<EventLoop> workerLoops;
  private final DnsDiscoveryFactory dns;
  private EdsSource edsSource;

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
    if (c.hasTransportSocket()) {
      String ts = c.getTransportSocket().getName();
      String typeUrl = c.getTransportSocket().getTypedConfig().getTypeUrl();
      if (!typeUrl.endsWith("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer")
          && !(typeUrl.isEmpty() && ts.equals("envoy.transport_sockets.raw_buffer"))) {
        throw new ConfigException(path + ".transport_socket", "unsupported transport socket extension '" + ts
            + "' with type URL " + typeUrl);
      }
    }
    if (c.hasCommonLbConfig()) {
      FieldSupport.check(c.getCommonLbConfig(), path + ".common_lb_config",
          Set.of("healthy_panic_threshold", "locality_weighted_lb_config"));
    }
    if (c.hasUpstreamConnectionOptions()) {
      FieldSupport.check(c.getUpstreamConnectionOptions(), path + ".upstream_connection_options",
          Set.of("tcp_keepalive"));
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
        default -> throw new ConfigException(path + ".type", "cluster discovery type " + c.getType()
            + " is not supported yet");
      };
      case CLUSTER_TYPE -> throw new ConfigException(path + ".cluster_type",
          "custom cluster type '" + c.getClusterType().getName() + "' is not supported");
      default -> new StaticHostDiscovery(staticHosts(c, path));
    };
    UpstreamFilterChain upstreamFilters = upstreamFilters(c, path);
    UpstreamCluster cluster = new UpstreamCluster(c, connectTimeout, http, cb,
        c.getUpstreamConnectionOptions().hasTcpKeepalive() ? c.getUpstreamConnectionOptions().getTcpKeepalive() : null,
        bufferLimit, clusterStats, LbPolicy.from(c, path), workerLoops, discovery);
    cluster.setUpstreamFilters(upstreamFilters);
    return cluster;
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

  /** Where EDS clusters subscribe; set once xDS is configured (main thread). */
  public void setEdsSource(EdsSource source) {
    this.edsSource = source;
  }

  private static List<Host> staticHosts(Cluster c, String path) throws ConfigException {
    return LoadAssignments.resolvedHosts(c.getName(), c.getLoadAssignment(), path + ".load_assignment");
  }
}
