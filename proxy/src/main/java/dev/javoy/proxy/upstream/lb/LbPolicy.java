package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.HostSet;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.List;

/**
 * A cluster's compiled load balancing: the policy ({@code lb_policy} or the first supported
 * {@code load_balancing_policy}) with its settings, plus {@code common_lb_config}'s panic threshold and
 * locality weighting. Immutable and shared; makes one {@link LoadBalancer} per worker and, on the main thread,
 * the shared tables of the hash policies for each new {@link HostSet}.
 */
public final class LbPolicy {
  public enum Kind { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, CLUSTER_PROVIDED }

  public static final long DEFAULT_MIN_RING_SIZE = 1024;
  public static final long DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;
  public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65537;

  public static final LbPolicy DEFAULT = new Builder(Kind.ROUND_ROBIN).build();
  /**
   * {@code CLUSTER_PROVIDED} (ORIGINAL_DST clusters): the cluster picks the host from the downstream connection
   * itself, so a plain pick finds none.
   */
  public static final LbPolicy CLUSTER_PROVIDED = new Builder(Kind.CLUSTER_PROVIDED).build();

  private final Kind kind;
  private final double panicThresholdPercent;
  private final boolean localityWeighted;
  private final int choiceCount;
  private final double activeRequestBias;
  private final long minRingSize;
  private final long maxRingSize;
  private final boolean murmurHash;
  private final int maglevTableSize;
  private final boolean useHostnameForHashing;
  private final boolean fullScan;

  private LbPolicy(Builder b) {
    fullScan = b.fullScan;
    kind = b.kind;
    panicThresholdPercent = b.panicThresholdPercent;
    localityWeighted = b.localityWeighted;
    choiceCount = b.choiceCount;
    activeRequestBias = b.activeRequestBias;
    minRingSize = b.minRingSize;
    maxRingSize = b.maxRingSize;
    murmurHash = b.murmurHash;
    maglevTableSize = b.maglevTableSize;
    useHostnameForHashing = b.useHostnameForHashing;
  }

  /** Compiles the cluster's load balancing configuration, rejecting what javoy does not implement. */
  public static LbPolicy from(Cluster c, String path) throws ConfigException {
    return LbPolicyParser.parse(c, path);
  }

  public Kind kind() {
    return kind;
  }

  /** {@code common_lb_config.healthy_panic_threshold} in percent (default 50; 0 disables panic mode). */
  public double panicThresholdPercent() {
    return panicThresholdPercent;
  }

  public boolean localityWeighted() {
    return localityWeighted;
  }

  public int choiceCount() {
    return choiceCount;
  }

  public double activeRequestBias() {
    return activeRequestBias;
  }

  /** LEAST_REQUEST {@code selection_method: FULL_SCAN}. */
  public boolean fullScan() {
    return fullScan;
  }

  public long minRingSize() {
    return minRingSize;
  }

  public long maxRingSize() {
    return maxRingSize;
  }

  public boolean murmurHash() {
    return murmurHash;
  }

  public int maglevTableSize() {
    return maglevTableSize;
  }

  public boolean useHostnameForHashing() {
    return useHostnameForHashing;
  }

  /**
   * A worker's load balancer; {@code stats} (for {@code lb_healthy_panic}) may be null. Round robin starts its
   * rotations at the first host (Envoy starts each worker at a random position).
   */
  public LoadBalancer newLoadBalancer(ClusterStats stats) {
    Counter panic = stats == null ? null : stats.lbHealthyPanic;
    return switch (kind) {
      case ROUND_ROBIN -> new RoundRobinLoadBalancer(panic, localityWeighted);
      case LEAST_REQUEST -> new LeastRequestLoadBalancer(panic, localityWeighted, choiceCount, activeRequestBias,
          fullScan);
      case RANDOM -> new RandomLoadBalancer(panic, localityWeighted);
      case RING_HASH, MAGLEV -> new ConsistentHashLoadBalancer(panic);
      case CLUSTER_PROVIDED -> (hosts, context) -> null;
    };
  }

  /**
   * The shared state workers read for {@code hosts} (main thread, once per host set): for RING_HASH and MAGLEV a
   * table per priority (of the healthy hosts, or all hosts of a priority in panic), else null.
   */
  public Object prepare(HostSet hosts) {
    if (kind != Kind.RING_HASH && kind != Kind.MAGLEV) {
      return null;
    }
    HashTable[] tables = new HashTable[hosts.levelCount()];
    for (int p = 0; p < tables.length; p++) {
      List<WeightedHost> weighted = WeightedHost.normalize(hosts.level(p), hosts.load().panic(p),
          localityWeighted, useHostnameForHashing);
      tables[p] = kind == Kind.RING_HASH
          ? HashRing.build(weighted, minRingSize, maxRingSize, murmurHash)
          : MaglevTable.build(weighted, maglevTableSize);
    }
    return tables;
  }

  @Override
  public String toString() {
    return kind.name();
  }

  /** Settings of a policy being compiled. */
  static final class Builder {
    final Kind kind;
    double panicThresholdPercent = 50;
    boolean localityWeighted;
    int choiceCount = 2;
    double activeRequestBias = 1.0;
    long minRingSize = DEFAULT_MIN_RING_SIZE;
    long maxRingSize = DEFAULT_MAX_RING_SIZE;
    boolean murmurHash;
    int maglevTableSize = DEFAULT_MAGLEV_TABLE_SIZE;
    boolean useHostnameForHashing;
    boolean fullScan;

    Builder(Kind kind) {
      this.kind = kind;
    }

    LbPolicy build() {
      return new LbPolicy(this);
    }
  }
}
