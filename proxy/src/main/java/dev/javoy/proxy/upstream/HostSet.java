package dev.javoy.proxy.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * The hosts of a cluster at one moment, immutable; a membership change publishes a new HostSet. Hosts are
 * grouped by priority; load balancers use the lowest priority that has healthy hosts.
 */
public final class HostSet {
  public static final HostSet EMPTY = new HostSet(List.of());

  private final List<Host> all;
  private final List<List<Host>> byPriority;

  public HostSet(List<Host> hosts) {
    this.all = List.copyOf(hosts);
    int maxPriority = -1;
    for (Host h : hosts) {
      maxPriority = Math.max(maxPriority, h.priority());
    }
    List<List<Host>> groups = new ArrayList<>();
    for (int p = 0; p <= maxPriority; p++) {
      List<Host> g = new ArrayList<>();
      for (Host h : hosts) {
        if (h.priority() == p) {
          g.add(h);
        }
      }
      groups.add(List.copyOf(g));
    }
    this.byPriority = List.copyOf(groups);
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

  /**
   * Keeps the Host objects of {@code previous} that equal new ones, so their pools and counters survive. One
   * hash lookup per host: an update of thousands of endpoints stays linear.
   */
  public static List<Host> reuse(List<Host> fresh, HostSet previous) {
    if (previous.all.isEmpty()) {
      return fresh;
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
