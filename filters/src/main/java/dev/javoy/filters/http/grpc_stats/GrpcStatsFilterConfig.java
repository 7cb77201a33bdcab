package dev.javoy.filters.http.grpc_stats;

import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.PerThreadStatCache;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code envoy.filters.http.grpc_stats}, compiled. Stats go to {@code cluster.<cluster>.grpc.} plus
 * {@code <service>.<method>.} for methods in {@code individual_method_stats_allowlist} or, with
 * {@code stats_for_all_methods}, every method (Envoy's default for v3 is off: then the stats have no method
 * part). Handles are cached per worker by cluster and path, so a warm stream looks them up without building
 * names.
 */
final class GrpcStatsFilterConfig implements HttpFilterConfig {
  final boolean emitFilterState;
  final boolean statsForAllMethods;
  /** service → methods; null when no allowlist is configured. */
  final Map<String, Set<String>> allowlist;
  final boolean enableUpstreamStats;
  final boolean replaceDotsInServiceName;
  final StatsStore stats;

  private final PerThreadStatCache<String, Map<String, Handles>> cache = new PerThreadStatCache<>(1_000);

  GrpcStatsFilterConfig(boolean emitFilterState, boolean statsForAllMethods, Map<String, Set<String>> allowlist,
      boolean enableUpstreamStats, boolean replaceDotsInServiceName, StatsStore stats) {
    this.emitFilterState = emitFilterState;
    this.statsForAllMethods = statsForAllMethods;
    this.allowlist = allowlist;
    this.enableUpstreamStats = enableUpstreamStats;
    this.replaceDotsInServiceName = replaceDotsInServiceName;
    this.stats = stats;
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new GrpcStatsFilter(this, callbacks);
  }

  /** The counters of one cluster and method (or of the cluster alone when the method gets no own stats). */
  static final class Handles {
    final String prefix;
    final Counter success;
    final Counter failure;
    final Counter total;
    final Counter requestMessages;
    final Counter responseMessages;
    final Histogram upstreamRqTime;
    private final Map<String, Counter> byStatus = new HashMap<>();
    private final StatsStore store;

    Handles(StatsStore store, String prefix, boolean upstreamStats) {
      this.store = store;
      this.prefix = prefix;
      this.success = store.counter(prefix + "success");
      this.failure = store.counter(prefix + "failure");
      this.total = store.counter(prefix + "total");
      this.requestMessages = store.counter(prefix + "request_message_count");
      this.responseMessages = store.counter(prefix + "response_message_count");
      this.upstreamRqTime = upstreamStats ? store.histogram(prefix + "upstream_rq_time", Histogram.Unit.MILLISECONDS)
          : null;
    }

    /** {@code <prefix><grpc status>}, as Envoy's gRPC context charges it. */
    Counter status(String code) {
      Counter c = byStatus.get(code);
      if (c == null) {
        c = store.counter(prefix + code);
        byStatus.put(code, c);
      }
      return c;
    }
  }

  /** The handles for {@code cluster} and the request path {@code /service/method}. */
  Handles handles(String cluster, String path) {
    Map<String, Map<String, Handles>> byCluster = cache.map();
    Map<String, Handles> byPath = byCluster.get(cluster);
    if (byPath == null) {
      byPath = new HashMap<>();
      cache.put(byCluster, cluster, byPath);
    }
    Handles h = byPath.get(path);
    if (h == null) {
      h = new Handles(stats, prefix(cluster, path), enableUpstreamStats);
      if (byPath.size() < 10_000) {
        byPath.put(path, h);
      }
    }
    return h;
  }

  private String prefix(String cluster, String path) {
    String base = "cluster." + cluster + ".grpc.";
    // path: /package.Service/Method
    int slash = path.indexOf('/', 1);
    if (!path.startsWith("/") || slash < 0) {
      return base;
    }
    String service = path.substring(1, slash);
    String method = path.substring(slash + 1);
    int q = method.indexOf('?');
    if (q >= 0) {
      method = method.substring(0, q);
    }
    boolean named;
    if (allowlist != null) {
      Set<String> methods = allowlist.get(service);
      named = methods != null && methods.contains(method);
    } else {
      named = statsForAllMethods;
    }
    if (!named || service.isEmpty() || method.isEmpty()) {
      return base;
    }
    if (replaceDotsInServiceName) {
      service = service.replace('.', '_');
    }
    return base + service + "." + method + ".";
  }
}
