package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.SplittableRandom;

/**
 * The part Envoy's ROUND_ROBIN, LEAST_REQUEST and RANDOM balancers share ({@code ZoneAwareLoadBalancerBase}):
 * pick a priority by the host set's priority loads; with locality weighted load balancing pick a locality of it
 * (earliest deadline first over the effective locality weights) and use its healthy hosts; else the level's
 * healthy hosts, or all of them when the level is in panic ({@code lb_healthy_panic}). Subclasses pick the host
 * from that list, keeping per-list state that is rebuilt (on this worker) when a new host set is published.
 */
abstract class PriorityLoadBalancer implements LoadBalancer {
  private static final int HEALTHY = 0;
  private static final int ALL = 1;

  final SplittableRandom random = new SplittableRandom();
  private final Counter panicCounter;
  private final boolean localityWeighted;
  private HostSet current;
  /** [priority][HEALTHY, ALL, 2 + locality index]: the subclass's state for that host list, made on first use. */
  private Object[][] states;
  /** The states of the previous host set, so a rotation continues where it was (as Envoy's rr indexes). */
  private Object[][] previousStates;
  private EdfScheduler[] localitySchedulers;

  PriorityLoadBalancer(Counter panicCounter, boolean localityWeighted) {
    this.panicCounter = panicCounter;
    this.localityWeighted = localityWeighted;
  }

  @Override
  public final Host choose(HostSet hostSet, LbContext context) {
    int levels = hostSet.levelCount();
    if (levels == 0) {
      return null;
    }
    if (hostSet != current) {
      refresh(hostSet);
    }
    int p = levels == 1 ? 0 : hostSet.load().choose(random.nextLong());
    PriorityLevel level = hostSet.level(p);
    Host[] hosts;
    int source;
    EdfScheduler localities = localityWeighted ? localitySchedulers[p] : null;
    if (localities != null) {
      int li = localities.pick();
      localities.add(li, level.effectiveLocalityWeight(li));
      hosts = level.healthyHostsInLocality(li);
      source = 2 + li;
    } else if (hostSet.load().panic(p)) {
      if (panicCounter != null) {
        panicCounter.inc();
      }
      hosts = level.hosts();
      source = ALL;
    } else {
      hosts = level.healthyHosts();
      source = HEALTHY;
    }
    if (hosts.length == 0) {
      return null;
    }
    Object state = states[p][source];
    if (state == null) {
      Object previous = previousStates != null && p < previousStates.length
          && source < previousStates[p].length ? previousStates[p][source] : null;
      state = newState(hosts, previous);
      states[p][source] = state;
    }
    return pick(state, hosts);
  }

  private void refresh(HostSet hostSet) {
    current = hostSet;
    int levels = hostSet.levelCount();
    previousStates = states;
    states = new Object[levels][];
    localitySchedulers = new EdfScheduler[levels];
    for (int p = 0; p < levels; p++) {
      PriorityLevel level = hostSet.level(p);
      states[p] = new Object[2 + level.localityCount()];
      if (localityWeighted && level.hasEffectiveLocalityWeight()) {
        EdfScheduler s = new EdfScheduler(level.localityCount());
        for (int i = 0; i < level.localityCount(); i++) {
          if (level.effectiveLocalityWeight(i) > 0) {
            s.add(i, level.effectiveLocalityWeight(i));
          }
        }
        localitySchedulers[p] = s;
      }
    }
  }

  /**
   * Per-worker state for picking among {@code hosts} (a cursor, a scheduler), or a placeholder.
   *
   * @param previous the state of the same list (priority and source) in the previous host set, or null
   */
  abstract Object newState(Host[] hosts, Object previous);

  /** A host of the non-empty {@code hosts}. */
  abstract Host pick(Object state, Host[] hosts);

  static boolean equalWeights(Host[] hosts) {
    for (int i = 1; i < hosts.length; i++) {
      if (hosts[i].weight() != hosts[0].weight()) {
        return false;
      }
    }
    return true;
  }
}
