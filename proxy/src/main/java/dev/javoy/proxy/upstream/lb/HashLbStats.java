package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;
import dev.javoy.proxy.upstream.HostSet;

/**
 * Envoy's gauges of the hash balancers, under the cluster's scope: {@code ring_hash_lb.size},
 * {@code ring_hash_lb.min_hashes_per_host}, {@code ring_hash_lb.max_hashes_per_host}, or
 * {@code maglev_lb.min_entries_per_host}, {@code maglev_lb.max_entries_per_host}; set from the tables of each
 * new host set (main thread), the last built priority winning as in Envoy.
 */
public final class HashLbStats {
  private final Gauge size;
  private final Gauge min;
  private final Gauge max;

  private HashLbStats(Gauge size, Gauge min, Gauge max) {
    this.size = size;
    this.min = min;
    this.max = max;
  }

  /** The gauges for {@code policy} under {@code clusterScope}, or null when it is not a hash policy. */
  public static HashLbStats create(LbPolicy policy, StatsScope clusterScope) {
    return switch (policy.kind()) {
      case RING_HASH -> new HashLbStats(clusterScope.gauge("ring_hash_lb.size"),
          clusterScope.gauge("ring_hash_lb.min_hashes_per_host"),
          clusterScope.gauge("ring_hash_lb.max_hashes_per_host"));
      case MAGLEV -> new HashLbStats(null, clusterScope.gauge("maglev_lb.min_entries_per_host"),
          clusterScope.gauge("maglev_lb.max_entries_per_host"));
      default -> null;
    };
  }

  public void record(HostSet hosts) {
    if (!(hosts.lbData() instanceof HashTable[] tables)) {
      return;
    }
    for (HashTable t : tables) {
      if (t instanceof HashRing r) {
        size.set(r.ringSize);
        min.set(r.minHashesPerHost);
        max.set(r.maxHashesPerHost);
      } else if (t instanceof MaglevTable m) {
        min.set(m.minEntriesPerHost);
        max.set(m.maxEntriesPerHost);
      }
    }
  }
}
