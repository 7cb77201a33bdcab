package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.core.v3.Locality;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts of one priority of a cluster (Envoy's {@code HostSet} of a priority): all hosts, the healthy ones,
 * the same per locality with each locality's {@code load_balancing_weight}, and the level's health as Envoy
 * computes it. Immutable; built on the main thread whenever membership or health changes.
 */
public final class PriorityLevel {
  private static final Host[] NO_HOSTS = new Host[0];

  private final int priority;
  private final Host[] hosts;
  private final Host[] healthy;
  private final Locality[] localities;
  private final int[] localityWeights;
  private final Host[][] hostsPerLocality;
  private final Host[][] healthyPerLocality;
  /** Locality weight × min(1, overprovisioning × healthy/total) (Envoy's effective locality weight). */
  private final double[] effectiveLocalityWeights;
  private final double totalEffectiveLocalityWeight;
  private final int health;
  private final double healthyPercent;

  /**
   * @param overprovisioningFactor {@code policy.overprovisioning_factor} of the assignment, in percent (140)
   * @param weightedPriorityHealth {@code policy.weighted_priority_health}: health by host weight, not count
   */
  public PriorityLevel(int priority, List<Host> members, int overprovisioningFactor, boolean weightedPriorityHealth) {
    this.priority = priority;
    this.hosts = members.toArray(NO_HOSTS);
    List<Host> ok = new ArrayList<>(members.size());
    long totalWeight = 0;
    long healthyWeight = 0;
    Map<Locality, List<Host>> byLocality = new LinkedHashMap<>();
    Map<Locality, Integer> weights = new LinkedHashMap<>();
    for (Host h : members) {
      totalWeight += h.weight();
      if (h.healthy()) {
        ok.add(h);
        healthyWeight += h.weight();
      }
      byLocality.computeIfAbsent(h.locality(), k -> new ArrayList<>()).add(h);
      weights.putIfAbsent(h.locality(), h.localityWeight());
    }
    this.healthy = ok.toArray(NO_HOSTS);
    int n = byLocality.size();
    localities = new Locality[n];
    localityWeights = new int[n];
    hostsPerLocality = new Host[n][];
    healthyPerLocality = new Host[n][];
    effectiveLocalityWeights = new double[n];
    double totalEffective = 0;
    int i = 0;
    for (Map.Entry<Locality, List<Host>> e : byLocality.entrySet()) {
      localities[i] = e.getKey();
      localityWeights[i] = weights.get(e.getKey());
      hostsPerLocality[i] = e.getValue().toArray(NO_HOSTS);
      List<Host> lh = new ArrayList<>();
      for (Host h : e.getValue()) {
        if (h.healthy()) {
          lh.add(h);
        }
      }
      healthyPerLocality[i] = lh.toArray(NO_HOSTS);
      double availability = Math.min(1.0,
          overprovisioningFactor / 100.0 * healthyPerLocality[i].length / hostsPerLocality[i].length);
      effectiveLocalityWeights[i] = localityWeights[i] * availability;
      totalEffective += effectiveLocalityWeights[i];
      i++;
    }
    totalEffectiveLocalityWeight = totalEffective;
    if (hosts.length == 0) {
      health = 0;
    } else if (weightedPriorityHealth) {
      health = (int) Math.min(100, overprovisioningFactor * healthyWeight / Math.max(1, totalWeight));
    } else {
      health = (int) Math.min(100, (long) overprovisioningFactor * healthy.length / hosts.length);
    }
    healthyPercent = hosts.length == 0 ? 0 : 100.0 * healthy.length / hosts.length;
  }

  public int priority() {
    return priority;
  }

  public Host[] hosts() {
    return hosts;
  }

  public Host[] healthyHosts() {
    return healthy;
  }

  public int localityCount() {
    return localities.length;
  }

  public Locality locality(int i) {
    return localities[i];
  }

  public int localityWeight(int i) {
    return localityWeights[i];
  }

  public Host[] hostsInLocality(int i) {
    return hostsPerLocality[i];
  }

  public Host[] healthyHostsInLocality(int i) {
    return healthyPerLocality[i];
  }

  public double effectiveLocalityWeight(int i) {
    return effectiveLocalityWeights[i];
  }

  /** Whether some locality has a positive effective weight (else locality weighting cannot pick one). */
  public boolean hasEffectiveLocalityWeight() {
    return totalEffectiveLocalityWeight > 0;
  }

  /** min(100, overprovisioning_factor × healthy / total): the level's health in percent. */
  public int health() {
    return health;
  }

  /** The plain percentage of healthy hosts, which the panic threshold is compared with. */
  public double healthyPercent() {
    return healthyPercent;
  }
}
