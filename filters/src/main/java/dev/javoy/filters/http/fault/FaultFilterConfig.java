package dev.javoy.filters.http.fault;

import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One {@code envoy.filters.http.fault} of a filter chain: its settings (routes may override them), its stats
 * ({@code http.<stat_prefix>.fault.*}) and the count of its active faults, which {@code max_active_faults}
 * limits. Shared by all workers.
 */
final class FaultFilterConfig implements HttpFilterConfig {
  final FaultSettings settings;
  final Counter delaysInjected;
  final Counter abortsInjected;
  final Counter faultsOverflow;
  final Counter responseRlInjected;
  final Gauge activeFaults;
  /** The same count as {@link #activeFaults}, read on every fault (a gauge read sums every worker's slot). */
  final AtomicLong active = new AtomicLong();
  /** Monotonic nanoseconds for response rate limiting ({@link System#nanoTime()} outside tests). */
  final LongSupplier clock;
  private final StatsStore stats;
  private final String prefix;

  /** @param statPrefix {@code http.<stat_prefix>.} */
  FaultFilterConfig(FaultSettings settings, String statPrefix, StatsStore stats, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
    this.stats = stats;
    this.prefix = statPrefix + "fault.";
    this.delaysInjected = stats.counter(prefix + "delays_injected");
    this.abortsInjected = stats.counter(prefix + "aborts_injected");
    this.faultsOverflow = stats.counter(prefix + "faults_overflow");
    this.responseRlInjected = stats.counter(prefix + "response_rl_injected");
    this.activeFaults = stats.gauge(prefix + "active_faults");
  }

  /**
   * {@code http.<stat_prefix>.fault.<downstream_cluster>.<name>}, for requests carrying
   * {@code x-envoy-downstream-service-cluster}. Looked up when a fault is injected only.
   */
  Counter downstreamClusterCounter(String downstreamCluster, String name) {
    return stats.counter(prefix + downstreamCluster + "." + name);
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new FaultFilter(this, callbacks);
  }
}
