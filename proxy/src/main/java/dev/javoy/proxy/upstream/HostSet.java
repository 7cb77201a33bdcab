package dev.javoy.proxy.upstream;

import dev.javoy.proxy.upstream.lb.LbPolicy;
import dev.javoy.proxy.upstream.lb.PriorityLevel;
import dev.javoy.proxy.upstream.lb.PriorityLoad;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts of a cluster at one moment (Envoy's {@code PrioritySet}), immutable; a membership or health change
 * publishes a new HostSet. Hosts are grouped by priority into {@link PriorityLevel}s (hosts, healthy hosts,
 * localities); the HostSet also holds what Envoy's load balancers compute on each change: the load of each
 * priority (overprovisioning factor, spill-over, normalization), the panic flag of each priority, and the
 * shared tables of the hash load balancers (ring, Maglev). All of it is computed here, on the main thread;
 * workers only read.
 */
public final class HostSet {
  public static final int DEFAULT_OVERPROVISIONING_FACTOR = 140;

  /**
   * The {@code ClusterLoadAssignment.policy} fields that shape load across priorities.
   *
   * @param overprovisioningFactor {@code overprovisioning_factor} in percent (default 140)
   * @param weightedPriorityHealth {@code weighted_priority_health}
   */
  public record AssignmentPolicy(int overprovisioningFactor, boolean weightedPriorityHealth) {
    public static final AssignmentPolicy DEFAULT = new AssignmentPolicy(DEFAULT_OVERPROVISIONING_FACTOR, false);
  }

  public static final HostSet EMPTY = new HostSet(List.of());

  private final List<Host> all;
  private final List<List<Host>> byPriority;
  private final AssignmentPolicy assignmentPolicy;
  private final LbPolicy lbPolicy;
  private final PriorityLevel[] levels;
  private final PriorityLoad load;
  private final Object lbData;

  /** Hosts with the default assignment policy and load balancing (ROUND_ROBIN). */
  public HostSet(List<Host> hosts) {
    this(hosts, AssignmentPolicy.DEFAULT, LbPolicy.DEFAULT);
  }

  public HostSet(List<Host> hosts, AssignmentPolicy assignmentPolicy, LbPolicy lbPolicy) {
    this.all = List.copyOf(hosts);
    this.assignmentPolicy = assignmentPolicy;
    this.lbPolicy = lbPolicy;
    int maxPriority = -1;
    for (Host h : hosts) {
      maxPriority = Math.max(maxPriority, h.priority());
    }
    List<List<Host>> groups = new ArrayList<>();
    for (int p = 0; p <= maxPriority; p++) {
      groups.add(new ArrayList<>());
    }
    for (Host h : hosts) {
      groups.get(h.priority()).add(h);
    }
    levels = new PriorityLevel[groups.size()];
    for (int p = 0; p < groups.size(); p++) {
      groups.set(p, List.copyOf(groups.get(p)));
      levels[p] = new PriorityLevel(p, groups.get(p), assignmentPolicy.overprovisioningFactor(),
          assignmentPolicy.weightedPriorityHealth());
    }
    this.byPriority = List.copyOf(groups);
    this.load = PriorityLoad.compute(levels, lbPolicy.panicThresholdPercent());
    this.lbData = lbPolicy.prepare(this);
  }

  /**
   * The same hosts with their health flags read again: priority loads, panic, locality weights and hash tables
   * are recomputed. Call on the main thread after changing {@link Host#healthy()} of members, then publish the
   * result (see {@link UpstreamCluster#onHostHealthChanged()}).
   */
  public HostSet withHealthChanged() {
    return new HostSet(all, assignmentPolicy, lbPolicy);
  }

  public List<Host> all() {
    return all;
  }

  public List<List<Host>> byPriority() {
    return byPriority;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  public AssignmentPolicy assignmentPolicy() {
    return assignmentPolicy;
  }

  public LbPolicy lbPolicy() {
    return lbPolicy;
  }

  public int levelCount() {
    return levels.length;
  }

  public PriorityLevel level(int priority) {
    return levels[priority];
  }

  /** Each priority's share of the load, its panic flag, and the choice of a priority. */
  public PriorityLoad load() {
    return load;
  }

  /** What {@link LbPolicy#prepare} built for this host set (ring hash or Maglev tables), or null. */
  public Object lbData() {
    return lbData;
  }

  /**
   * Keeps the Host objects of {@code previous} that equal new ones, so their pools and counters survive. Hosts
   * listed in the same order are matched by position; otherwise one hash lookup per host: an update of thousands
   * of endpoints stays linear.
   */
  public static List<Host> reuse(List<Host> fresh, HostSet previous) {
    if (previous.all.isEmpty()) {
      return fresh;
    }
    if (fresh.size() == previous.all.size()) { // the usual update lists the same hosts in the same order
      List<Host> out = null;
      int i = 0;
      for (; i < fresh.size(); i++) {
        Host before = previous.all.get(i);
        if (!before.identity().equals(fresh.get(i).identity())) {
          break;
        }
        if (out == null) {
          out = new ArrayList<>(fresh.size());
        }
        out.add(before);
      }
      if (i == fresh.size()) {
        return out;
      }
    }
    java.util.Map<Host.Identity, Host> old = new java.util.HashMap<>(previous.all.size() * 2);
    for (Host h : previous.all) {
      old.putIfAbsent(h.identity(), h);
    }
    List<Host> out = new ArrayList<>(fresh.size());
    for (Host h : fresh) {
      Host keep = old.get(h.identity());
      out.add(keep != null ? keep : h);
    }
    return out;
  }
}
