package dev.javoy.proxy.stats;

import dev.javoy.proxy.server.WorkerThread;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * All stats of the process. Names map to slot ids once (at config time); on the request path a stat update is
 * a write to the calling worker's own {@link WorkerStatSlots}, and reading sums every writer's slot. Stats
 * excluded by {@code stats_config.stats_matcher} are handed out disabled (id -1): updates to them do nothing
 * and they are listed nowhere, as in Envoy.
 */
public final class StatsStore {
  private final Map<String, Stat> byName = new ConcurrentHashMap<>();
  private final List<WorkerStatSlots> workerSlots = new CopyOnWriteArrayList<>();
  private final WorkerStatSlots shared = new WorkerStatSlots(true);
  private final Predicate<String> inclusion;
  private int nextId;

  public StatsStore() {
    this(name -> true);
  }

  /** @param inclusion which stat names are instantiated ({@code stats_config.stats_matcher}) */
  public StatsStore(Predicate<String> inclusion) {
    this.inclusion = inclusion;
  }

  /** Slots for one more worker thread; give them to its {@link WorkerThread}. */
  public WorkerStatSlots newWorkerSlots() {
    WorkerStatSlots slots = new WorkerStatSlots(false);
    workerSlots.add(slots);
    return slots;
  }

  public Counter counter(String name) {
    return (Counter) byName.computeIfAbsent(name, n -> new Counter(this, n, allocate(n, 1)));
  }

  public Gauge gauge(String name) {
    return gauge(name, Gauge.ImportMode.ACCUMULATE);
  }

  public Gauge gauge(String name, Gauge.ImportMode mode) {
    return (Gauge) byName.computeIfAbsent(name, n -> new Gauge(this, n, allocate(n, 1), mode));
  }

  public Histogram histogram(String name, Histogram.Unit unit) {
    return (Histogram)
        byName.computeIfAbsent(name, n -> new Histogram(this, n, allocate(n, Histogram.slotCount()), unit));
  }

  /** A view that prefixes every name, e.g. {@code scope("cluster.backend.")}. */
  public StatsScope scope(String prefix) {
    return new StatsScope(this, prefix);
  }

  /** Every enabled stat, unordered. */
  public Collection<Stat> all() {
    List<Stat> out = new ArrayList<>(byName.size());
    for (Stat s : byName.values()) {
      if (s.id >= 0) {
        out.add(s);
      }
    }
    return out;
  }

  public Stat find(String name) {
    Stat s = byName.get(name);
    return s == null || s.id < 0 ? null : s;
  }

  private synchronized int allocate(String name, int slots) {
    if (!inclusion.test(name)) {
      return -1;
    }
    int id = nextId;
    nextId += slots;
    return id;
  }

  void add(int id, long delta) {
    if (id < 0) {
      return;
    }
    if (Thread.currentThread() instanceof WorkerThread w) {
      w.statSlots().add(id, delta);
    } else {
      shared.add(id, delta);
    }
  }

  void setShared(int id, long value) {
    if (id >= 0) {
      shared.set(id, value);
    }
  }

  long sum(int id) {
    if (id < 0) {
      return 0;
    }
    long total = shared.get(id);
    for (WorkerStatSlots w : workerSlots) {
      total += w.get(id);
    }
    return total;
  }

  boolean used(Stat s) {
    if (s instanceof Histogram h) {
      return h.sampleCount() != 0;
    }
    return sum(s.id) != 0;
  }
}
