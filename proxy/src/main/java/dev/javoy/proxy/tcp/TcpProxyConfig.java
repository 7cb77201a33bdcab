package dev.javoy.proxy.tcp;

import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.AccessLogs;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.config.core.v3.BackoffStrategy;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A tcp_proxy filter's settings, checked and with Envoy's defaults applied. Paths in errors are relative to
 * the filter's {@code typed_config}.
 *
 * @param idleTimeoutMillis 0 when disabled
 * @param backoffBaseMillis 0 when connect attempts are retried at once
 * @param maxDurationMillis {@code max_downstream_connection_duration}, 0 when unlimited
 * @param accessLogFlushIntervalMillis 0 when the access log is written at the end only
 * @param hashSourceIp {@code hash_policy} is {@code source_ip}: the hash key of the upstream host choice is the
 *     downstream IP (for ring hash and Maglev clusters)
 */
public record TcpProxyConfig(
    String statPrefix,
    ClusterChoice clusters,
    long idleTimeoutMillis,
    int maxConnectAttempts,
    long backoffBaseMillis,
    long backoffMaxMillis,
    long maxDurationMillis,
    List<AccessLogger> accessLoggers,
    long accessLogFlushIntervalMillis,
    boolean flushAccessLogOnConnected,
    boolean hashSourceIp) {

  public TcpProxyConfig(String statPrefix, ClusterChoice clusters, long idleTimeoutMillis, int maxConnectAttempts,
      long backoffBaseMillis, long backoffMaxMillis, long maxDurationMillis, List<AccessLogger> accessLoggers,
      long accessLogFlushIntervalMillis, boolean flushAccessLogOnConnected) {
    this(statPrefix, clusters, idleTimeoutMillis, maxConnectAttempts, backoffBaseMillis, backoffMaxMillis,
        maxDurationMillis, accessLoggers, accessLogFlushIntervalMillis, flushAccessLogOnConnected, false);
  }

  static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 3_600_000;

  private static final Set<String> SUPPORTED = Set.of(
      "stat_prefix", "cluster", "weighted_clusters", "idle_timeout", "max_connect_attempts", "backoff_options",
      "max_downstream_connection_duration", "access_log", "access_log_options", "access_log_flush_interval",
      "flush_access_log_on_connected", "hash_policy");

  @SuppressWarnings("deprecation")
  public static TcpProxyConfig from(TcpProxy p, FactoryContext ctx) throws ConfigException {
    FieldSupport.check(p, "", SUPPORTED);
    if (p.getStatPrefix().isEmpty()) {
      throw new ConfigException("stat_prefix", "must not be empty");
    }
    ClusterChoice clusters = clusters(p);
    long idle = p.hasIdleTimeout() ? Durations.toMillis(p.getIdleTimeout()) : DEFAULT_IDLE_TIMEOUT_MILLIS;
    if (idle < 0) {
      throw new ConfigException("idle_timeout", "must not be negative");
    }
    int attempts = 1;
    if (p.hasMaxConnectAttempts()) {
      attempts = p.getMaxConnectAttempts().getValue();
      if (attempts < 1) {
        throw new ConfigException("max_connect_attempts", "must be at least 1");
      }
    }
    long backoffBase = 0;
    long backoffMax = 0;
    if (p.hasBackoffOptions()) {
      BackoffStrategy b = p.getBackoffOptions();
      FieldSupport.check(b, "backoff_options", Set.of("base_interval", "max_interval"));
      backoffBase = b.hasBaseInterval() ? Durations.toMillis(b.getBaseInterval()) : 0;
      if (backoffBase < 1) {
        throw new ConfigException("backoff_options.base_interval", "is required and must be at least 1ms");
      }
      backoffMax = b.hasMaxInterval() ? Durations.toMillis(b.getMaxInterval()) : backoffBase * 10;
      if (backoffMax < backoffBase) {
        throw new ConfigException("backoff_options.max_interval", "must be at least base_interval");
      }
    }
    long maxDuration = 0;
    if (p.hasMaxDownstreamConnectionDuration()) {
      maxDuration = Durations.toMillis(p.getMaxDownstreamConnectionDuration());
      if (maxDuration < 1) {
        throw new ConfigException("max_downstream_connection_duration", "must be at least 1ms");
      }
    }
    List<AccessLogger> loggers = AccessLogs.build(p.getAccessLogList(), "access_log", ctx);
    // The options message wins over the deprecated top-level fields, as in Envoy.
    long flushInterval = p.hasAccessLogFlushInterval() ? Durations.toMillis(p.getAccessLogFlushInterval()) : 0;
    boolean flushOnConnected = p.getFlushAccessLogOnConnected();
    String flushPath = "access_log_flush_interval";
    if (p.hasAccessLogOptions()) {
      TcpProxy.TcpAccessLogOptions o = p.getAccessLogOptions();
      FieldSupport.check(o, "access_log_options",
          Set.of("access_log_flush_interval", "flush_access_log_on_connected"));
      if (o.hasAccessLogFlushInterval()) {
        flushInterval = Durations.toMillis(o.getAccessLogFlushInterval());
        flushPath = "access_log_options.access_log_flush_interval";
      }
      flushOnConnected = o.getFlushAccessLogOnConnected();
    }
    if ((p.hasAccessLogFlushInterval() || p.getAccessLogOptions().hasAccessLogFlushInterval())
        && flushInterval < 1) {
      throw new ConfigException(flushPath, "must be at least 1ms");
    }
    return new TcpProxyConfig(p.getStatPrefix(), clusters, idle, attempts, backoffBase, backoffMax, maxDuration,
        loggers, flushInterval, flushOnConnected, hashSourceIp(p));
  }

  /** {@code hash_policy}: at most one, {@code source_ip} (as Envoy; {@code filter_state} is not supported). */
  private static boolean hashSourceIp(TcpProxy p) throws ConfigException {
    if (p.getHashPolicyCount() == 0) {
      return false;
    }
    if (p.getHashPolicyCount() > 1) {
      throw new ConfigException("hash_policy", "tcp_proxy takes at most one hash policy");
    }
    io.envoyproxy.envoy.type.v3.HashPolicy h = p.getHashPolicy(0);
    FieldSupport.check(h, "hash_policy[0]", Set.of("source_ip"));
    if (!h.hasSourceIp()) {
      throw new ConfigException("hash_policy[0]", "a hash policy needs source_ip");
    }
    return true;
  }

  private static ClusterChoice clusters(TcpProxy p) throws ConfigException {
    switch (p.getClusterSpecifierCase()) {
      case CLUSTER:
        if (p.getCluster().isEmpty()) {
          throw new ConfigException("cluster", "must not be empty");
        }
        return ClusterChoice.single(p.getCluster());
      case WEIGHTED_CLUSTERS: {
        TcpProxy.WeightedCluster w = p.getWeightedClusters();
        FieldSupport.check(w, "weighted_clusters", Set.of("clusters"));
        if (w.getClustersCount() == 0) {
          throw new ConfigException("weighted_clusters.clusters", "must have at least one cluster");
        }
        List<String> names = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (int i = 0; i < w.getClustersCount(); i++) {
          ClusterWeight cw = w.getClusters(i);
          String cp = FieldSupport.index("weighted_clusters", "clusters", i);
          FieldSupport.check(cw, cp, Set.of("name", "weight"));
          if (cw.getName().isEmpty()) {
            throw new ConfigException(cp + ".name", "must not be empty");
          }
          long weight = Integer.toUnsignedLong(cw.getWeight());
          if (weight < 1) {
            throw new ConfigException(cp + ".weight", "must be at least 1");
          }
          names.add(cw.getName());
          weights.add(weight);
        }
        return ClusterChoice.weighted(names, weights);
      }
      default:
        throw new ConfigException("cluster", "one of cluster or weighted_clusters is required");
    }
  }
}
