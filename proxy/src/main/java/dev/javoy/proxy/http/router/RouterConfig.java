package dev.javoy.proxy.http.router;

import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.AccessLogs;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import java.util.List;
import java.util.Set;

/** The compiled {@code envoy.filters.http.router} config; creates a {@link RouterFilter} per stream. */
public final class RouterConfig implements HttpFilterConfig {
  private static final Set<String> SUPPORTED =
      Set.of("dynamic_stats", "start_child_span", "suppress_envoy_headers", "upstream_log");

  final ClusterManager clusterManager;
  final boolean suppressEnvoyHeaders;
  final List<AccessLogger> upstreamLogs;
  final RouterStats stats;

  private RouterConfig(ClusterManager clusterManager, boolean suppressEnvoyHeaders,
      List<AccessLogger> upstreamLogs, RouterStats stats) {
    this.clusterManager = clusterManager;
    this.suppressEnvoyHeaders = suppressEnvoyHeaders;
    this.upstreamLogs = upstreamLogs;
    this.stats = stats;
  }

  public static RouterConfig create(Router proto, String statPrefix, FactoryContext ctx)
      throws ConfigException {
    FieldSupport.check(proto, "", SUPPORTED);
    List<AccessLogger> logs = AccessLogs.build(proto.getUpstreamLogList(), "upstream_log", ctx);
    return new RouterConfig(ctx.clusterManager(), proto.getSuppressEnvoyHeaders(), logs,
        new RouterStats(ctx.stats().scope(statPrefix)));
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new RouterFilter(this, callbacks);
  }
}
