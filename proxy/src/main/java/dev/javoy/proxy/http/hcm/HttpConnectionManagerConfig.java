package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.AccessLogs;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import dev.javoy.proxy.http.h2.Http2CodecStats;
import dev.javoy.proxy.http.h2.Http2ProtocolConfig;
import dev.javoy.proxy.http.localreply.LocalReplyConfig;
import dev.javoy.proxy.http.route.RouteProvider;
import dev.javoy.proxy.http.route.RouteTableFactory;
import dev.javoy.proxy.http.upgrade.UpgradePolicy;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A compiled {@code envoy.filters.network.http_connection_manager} config, immutable and shared by all workers
 * and all connections of its filter chain.
 */
public final class HttpConnectionManagerConfig {
  static final Set<String> SUPPORTED = Set.of(
      "codec_type", "stat_prefix", "route_config", "http_filters", "access_log", "local_reply_config",
      "server_name", "server_header_transformation", "generate_request_id", "use_remote_address",
      "xff_num_trusted_hops", "skip_xff_append", "via", "add_user_agent", "strip_matching_host_port",
      "strip_any_host_port", "common_http_protocol_options", "max_request_headers_kb",
      "preserve_external_request_id", "always_set_request_id_in_response", "http_protocol_options",
      "http2_protocol_options", "rds", "upgrade_configs", "stream_idle_timeout", "request_timeout",
      "request_headers_timeout", "delayed_close_timeout", "drain_timeout",
      "forward_client_cert_details", "set_current_client_cert_details", "normalize_path", "merge_slashes",
      "path_with_escaped_slashes_action", "request_id_extension", "tracing", "internal_address_config",
      "append_x_forwarded_port");
  /** Envoy's default {@code stream_idle_timeout}: 5 minutes. */
  static final long DEFAULT_STREAM_IDLE_TIMEOUT_MILLIS = 300_000;
  /** Envoy's default {@code max_request_headers_kb}. */
  static final int DEFAULT_MAX_REQUEST_HEADERS_KB = 60;

  final String statPrefix;
  final HcmStats stats;
  final RouteProvider routes;
  /** A filter of the chain with its configured name (the key of {@code typed_per_filter_config}). */
  record NamedFilter(String name, HttpFilterConfig config) {}

  final List<NamedFilter> filters;
  final List<AccessLogger> accessLogs;
  final LocalReplyConfig localReply;
  final String serverName;
  final ServerHeaderTransformation serverHeaderTransformation;
  final boolean generateRequestId;
  final boolean preserveExternalRequestId;
  final boolean alwaysSetRequestIdInResponse;
  final boolean useRemoteAddress;
  final int xffNumTrustedHops;
  final boolean skipXffAppend;
  /** {@code append_x_forwarded_port}: with {@code use_remote_address}, {@code x-forwarded-port} is the local port. */
  final boolean appendXForwardedPort;
  /** What {@code x-forwarded-for} gets for a loopback peer: the server's local address ({@link LocalNodeAddress}). */
  final String localAddress;
  /** {@code internal_address_config}: which trusted client addresses make a request internal (default: none). */
  final InternalAddressConfig internalAddresses;
  final String via;
  final boolean stripMatchingHostPort;
  final boolean stripAnyHostPort;
  final long idleTimeoutMillis;
  /** {@code stream_idle_timeout}; 0 disables. */
  final long streamIdleTimeoutMillis;
  /** {@code request_timeout}; 0 (the default) disables. */
  final long requestTimeoutMillis;
  /** {@code delayed_close_timeout} (default 1 s); 0 closes right after the last response is flushed. */
  final long delayedCloseTimeoutMillis;
  /** {@code drain_timeout} (default 5 s): HTTP/2, from the shutdown-notice GOAWAY to the final one. */
  final long drainTimeoutMillis;
  /** {@code common_http_protocol_options.max_connection_duration}; 0 (the default) disables. */
  final long maxConnectionDurationMillis;
  /** {@code request_headers_timeout}; 0 (the default) disables. */
  final long requestHeadersTimeoutMillis;
  final int maxHeadersCount;
  final int maxRequestHeadersBytes;
  /** The local node's cluster name (Envoy's {@code LocalInfo::clusterName}: {@code --service-cluster} over {@code node.cluster}). */
  final String serviceCluster;
  /** The local node's name (Envoy's {@code LocalInfo::nodeName}: {@code --service-node} over {@code node.id}). */
  final String serviceNode;
  final boolean addUserAgent;
  /** HTTP1, HTTP2 (prior-knowledge h2c) or AUTO (by the first bytes). */
  final CodecType codecType;
  /** {@code http2_protocol_options}, compiled (Envoy's defaults when absent). */
  final Http2ProtocolConfig http2;
  /** {@code forward_client_cert_details}: what happens to {@code x-forwarded-client-cert}. */
  final dev.javoy.proxy.tls.ForwardClientCert forwardClientCert;
  /** {@code upgrade_configs}: which HTTP/1.1 upgrades (WebSocket) may switch to a byte tunnel. */
  final UpgradePolicy upgrades;
  /** {@code normalize_path}, {@code merge_slashes}, {@code path_with_escaped_slashes_action}. */
  final PathNormalizer pathNormalizer;
  /** {@code http_protocol_options.header_key_format}: how HTTP/1.1 responses spell header names. */
  final HeaderKeyFormat headerKeyFormat;
  /** Per worker (by index), the stream filter chains waiting for reuse ({@link StreamFilterChainPool}). */
  final java.util.concurrent.atomic.AtomicReference<StreamFilterChainPool[]> streamChainPools =
      new java.util.concurrent.atomic.AtomicReference<>(StreamFilterChainPool.NONE);
  /** {@code tracing}, compiled; null when the connection manager does not trace (no per-request cost). */
  final dev.javoy.proxy.tracing.HttpTracingConfig tracing;
  private final StatsStore statsStore;
  /** {@code http2.*}, created with the first HTTP/2 connection as in Envoy. */
  private volatile Http2CodecStats http2Stats;

  private HttpConnectionManagerConfig(HttpConnectionManager p, FactoryContext ctx, RouteProvider routes,
      List<NamedFilter> filters, List<AccessLogger> accessLogs, LocalReplyConfig localReply, Http2ProtocolConfig http2,
      dev.javoy.proxy.tls.ForwardClientCert forwardClientCert, HeaderKeyFormat headerKeyFormat,
      dev.javoy.proxy.tracing.HttpTracingConfig tracing, InternalAddressConfig internalAddresses) {
    this.internalAddresses = internalAddresses;
    this.tracing = tracing;
    this.forwardClientCert = forwardClientCert;
    this.headerKeyFormat = headerKeyFormat;
    this.statPrefix = p.getStatPrefix();
    this.codecType = p.getCodecType();
    this.http2 = http2;
    this.upgrades = UpgradePolicy.of(p.getUpgradeConfigsList());
    // normalize_path defaults to the runtime key http_connection_manager.normalize_path, false unless set.
    this.pathNormalizer = new PathNormalizer(p.hasNormalizePath() && p.getNormalizePath().getValue(),
        p.getMergeSlashes(), p.getPathWithEscapedSlashesAction());
    this.statsStore = ctx.stats();
    this.stats = new HcmStats(ctx.stats().scope("http." + p.getStatPrefix() + "."));
    this.routes = routes;
    this.filters = List.copyOf(filters);
    this.accessLogs = List.copyOf(accessLogs);
    this.localReply = localReply;
    this.serverName = p.getServerName().isEmpty() ? "envoy" : p.getServerName();
    this.serverHeaderTransformation = p.getServerHeaderTransformation();
    this.generateRequestId = !p.hasGenerateRequestId() || p.getGenerateRequestId().getValue();
    this.preserveExternalRequestId = p.getPreserveExternalRequestId();
    this.alwaysSetRequestIdInResponse = p.getAlwaysSetRequestIdInResponse();
    this.useRemoteAddress = p.hasUseRemoteAddress() && p.getUseRemoteAddress().getValue();
    this.xffNumTrustedHops = p.getXffNumTrustedHops();
    this.skipXffAppend = p.getSkipXffAppend();
    this.appendXForwardedPort = p.getAppendXForwardedPort();
    this.localAddress = useRemoteAddress && !skipXffAppend
        ? LocalNodeAddress.of(ctx.options().localAddressIpVersion()) : null;
    this.via = p.getVia();
    this.stripMatchingHostPort = p.getStripMatchingHostPort();
    this.stripAnyHostPort = p.getStripAnyHostPort();
    var common = p.getCommonHttpProtocolOptions();
    this.idleTimeoutMillis = common.hasIdleTimeout() ? Durations.toMillis(common.getIdleTimeout()) : 3_600_000;
    this.streamIdleTimeoutMillis = p.hasStreamIdleTimeout()
        ? Durations.toMillis(p.getStreamIdleTimeout()) : DEFAULT_STREAM_IDLE_TIMEOUT_MILLIS;
    this.requestTimeoutMillis = p.hasRequestTimeout() ? Durations.toMillis(p.getRequestTimeout()) : 0;
    this.requestHeadersTimeoutMillis = p.hasRequestHeadersTimeout() ? Durations.toMillis(p.getRequestHeadersTimeout()) : 0;
    this.delayedCloseTimeoutMillis = p.hasDelayedCloseTimeout() ? Durations.toMillis(p.getDelayedCloseTimeout()) : 1000;
    this.drainTimeoutMillis = p.hasDrainTimeout() ? Durations.toMillis(p.getDrainTimeout()) : 5000;
    this.maxConnectionDurationMillis = common.hasMaxConnectionDuration()
        ? Durations.toMillis(common.getMaxConnectionDuration()) : 0;
    this.maxHeadersCount = common.hasMaxHeadersCount() ? common.getMaxHeadersCount().getValue() : 100;
    int kb = p.hasMaxRequestHeadersKb() ? p.getMaxRequestHeadersKb().getValue() : DEFAULT_MAX_REQUEST_HEADERS_KB;
    this.maxRequestHeadersBytes = kb * 1024;
    this.addUserAgent = p.hasAddUserAgent() && p.getAddUserAgent().getValue();
    this.serviceCluster = ctx.localNode().getCluster();
    this.serviceNode = ctx.localNode().getId();
  }

  public static HttpConnectionManagerConfig create(HttpConnectionManager p, String path, FactoryContext ctx)
      throws ConfigException {
    FieldSupport.check(p, path, SUPPORTED);
    UuidRequestIds.check(p, path);
    if (p.getStatPrefix().isEmpty()) {
      throw new ConfigException(FieldSupport.join(path, "stat_prefix"), "value length must be at least 1 characters");
    }
    if (p.getCodecType() == CodecType.HTTP3 || p.getCodecType() == CodecType.UNRECOGNIZED) {
      throw new ConfigException(FieldSupport.join(path, "codec_type"), "codec " + p.getCodecType() + " is not supported");
    }
    Http2ProtocolConfig http2 = Http2ProtocolConfig.create(p.getHttp2ProtocolOptions(),
        FieldSupport.join(path, "http2_protocol_options"), false);
    var common = p.getCommonHttpProtocolOptions();
    String commonPath = FieldSupport.join(path, "common_http_protocol_options");
    FieldSupport.check(common, commonPath, Set.of("idle_timeout", "max_headers_count", "max_connection_duration"));
    nonNegative(common.getMaxConnectionDuration(), FieldSupport.join(commonPath, "max_connection_duration"));
    FieldSupport.check(p.getHttpProtocolOptions(), FieldSupport.join(path, "http_protocol_options"),
        Set.of("accept_http_10", "header_key_format"));
    HeaderKeyFormat headerKeyFormat = HeaderKeyFormat.of(p.getHttpProtocolOptions(),
        FieldSupport.join(path, "http_protocol_options"));
    if (p.hasMaxRequestHeadersKb()
        && (p.getMaxRequestHeadersKb().getValue() <= 0 || p.getMaxRequestHeadersKb().getValue() > 8192)) {
      throw new ConfigException(FieldSupport.join(path, "max_request_headers_kb"), "value must be in (0, 8192]");
    }
    if (p.getPathWithEscapedSlashesAction() == HttpConnectionManager.PathWithEscapedSlashesAction.UNRECOGNIZED) {
      throw new ConfigException(FieldSupport.join(path, "path_with_escaped_slashes_action"), "unknown action");
    }
    nonNegative(p.getStreamIdleTimeout(), FieldSupport.join(path, "stream_idle_timeout"));
    nonNegative(p.getRequestTimeout(), FieldSupport.join(path, "request_timeout"));
    nonNegative(p.getRequestHeadersTimeout(), FieldSupport.join(path, "request_headers_timeout"));
    nonNegative(p.getDelayedCloseTimeout(), FieldSupport.join(path, "delayed_close_timeout"));
    nonNegative(p.getDrainTimeout(), FieldSupport.join(path, "drain_timeout"));
    RouteProvider routes;
    switch (p.getRouteSpecifierCase()) {
      case ROUTE_CONFIG -> routes = RouteProvider.fixed(
          new RouteTableFactory(ctx).create(p.getRouteConfig(), FieldSupport.join(path, "route_config"), true));
      case RDS -> routes = rds(p, FieldSupport.join(path, "rds"), ctx);
      case SCOPED_ROUTES -> throw new ConfigException(FieldSupport.join(path, "scoped_routes"), "scoped routes are not supported");
      default -> throw new ConfigException(path, "route_config is required");
    }
    List<NamedFilter> filters = new ArrayList<>();
    ExtensionResolver resolver = ctx.extensions();
    String statPrefix = "http." + p.getStatPrefix() + ".";
    boolean sawTerminal = false;
    for (int i = 0; i < p.getHttpFiltersCount(); i++) {
      HttpFilter f = p.getHttpFilters(i);
      String fp = FieldSupport.index(path, "http_filters", i);
      FieldSupport.check(f, fp, Set.of("name", "typed_config", "is_optional", "config_discovery"));
      if (sawTerminal) {
        throw new ConfigException(fp, "the terminal filter must be the last in http_filters; '" + f.getName()
            + "' follows it");
      }
      if (f.hasConfigDiscovery()) { // ECDS (h-xdsrest)
        filters.add(new NamedFilter(f.getName(), DiscoveredHttpFilter.create(f, fp, statPrefix, ctx)));
        continue;
      }
      ExtensionResolver.Resolved<HttpFilterFactory> r;
      try {
        r = resolver.resolve(HttpFilterFactory.class, fp, f.getName(), f.hasTypedConfig() ? f.getTypedConfig() : null);
      } catch (ConfigException e) {
        if (f.getIsOptional()) {
          continue; // Envoy skips optional filters it does not know
        }
        throw e;
      }
      try {
        filters.add(new NamedFilter(f.getName(), r.factory().create(r.config(), statPrefix, ctx)));
      } catch (ConfigException e) {
        throw e.under(fp + ".typed_config");
      }
      sawTerminal = r.factory().terminal();
    }
    if (!sawTerminal) {
      throw new ConfigException(FieldSupport.join(path, "http_filters"),
          "the last HTTP filter must be a terminal filter (envoy.filters.http.router)");
    }
    List<AccessLogger> logs = AccessLogs.build(p.getAccessLogList(), FieldSupport.join(path, "access_log"), ctx);
    LocalReplyConfig localReply = p.hasLocalReplyConfig()
        ? LocalReplyConfig.create(p.getLocalReplyConfig(), FieldSupport.join(path, "local_reply_config"), ctx) : null;
    UpgradePolicy.create(p.getUpgradeConfigsList(), path); // validates
    dev.javoy.proxy.tls.ForwardClientCert xfcc = dev.javoy.proxy.tls.ForwardClientCert.from(p, path);
    dev.javoy.proxy.tracing.HttpTracingConfig tracing = dev.javoy.proxy.tracing.HttpTracingConfig.create(p, path, ctx);
    return new HttpConnectionManagerConfig(p, ctx, routes, filters, logs, localReply, http2, xfcc,
        headerKeyFormat, tracing, InternalAddressConfig.of(p, path));
  }

  /** Envoy's {@code gte: {}} on the HCM timeouts. */
  private static void nonNegative(com.google.protobuf.Duration d, String path) throws ConfigException {
    if (d.getSeconds() < 0 || d.getNanos() < 0) {
      throw new ConfigException(path, "value must be greater than or equal to 0s");
    }
  }

  public HcmStats stats() {
    return stats;
  }

  private static RouteProvider rds(HttpConnectionManager p, String path, FactoryContext ctx) throws ConfigException {
    var rds = p.getRds();
    FieldSupport.check(rds, path, Set.of("config_source", "route_config_name"));
    if (ctx.rdsSource() == null) {
      throw new ConfigException(path, "RDS needs xDS (dynamic_resources); none is configured");
    }
    var cs = rds.getConfigSource();
    if (!cs.hasAds() && !cs.hasApiConfigSource()) {
      throw new ConfigException(path + ".config_source", "only ads and api_config_source are supported for RDS");
    }
    if (rds.getRouteConfigName().isEmpty()) {
      throw new ConfigException(path + ".route_config_name", "value length must be at least 1 characters");
    }
    return ctx.rdsSource().provider(rds.getRouteConfigName(), p.getStatPrefix());
  }

  /** The process's downstream HTTP/2 codec stats ({@code http2.*}). */
  Http2CodecStats http2Stats() {
    Http2CodecStats s = http2Stats;
    if (s == null) {
      s = Http2CodecStats.downstream(statsStore); // the store hands out the same stats to racing threads
      http2Stats = s;
    }
    return s;
  }

  public RouteProvider routes() {
    return routes;
  }
}
