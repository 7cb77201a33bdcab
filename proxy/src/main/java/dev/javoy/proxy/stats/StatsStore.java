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
  /** Families of stats by prefix (one entry per cluster for its {@code cluster.<name>.*} stats). */
  private final Map<String, StatFamily> families = new ConcurrentHashMap<>();
  private final Predicate<String> inclusion;
  private final boolean includesAll;
  private int nextId;

  public StatsStore() {
    this(StatsMatchers.INCLUDE_ALL);
  }

  /** @param inclusion which stat names are instantiated ({@code stats_config.stats_matcher}) */
  public StatsStore(Predicate<String> inclusion) {
    this.inclusion = inclusion;
    this.includesAll = inclusion == StatsMatchers.INCLUDE_ALL;
  }

  /** Slots for one more worker thread; give them to its {@link WorkerThread}. */
  public WorkerStatSlots newWorkerSlots() {
    WorkerStatSlots slots = new WorkerStatSlots(false);
    workerSlots.add(slots);
    return slots;
  }

  public Counter counter(String name) {
    Stat s = existing(name);
    return s != null ? (Counter) s : (Counter) byName.computeIfAbsent(name, n -> new Counter(this, n, allocate(n, 1)));
  }

  /**
   * The family of stats under {@code prefix} with {@code schema}'s names: created once (one slot range, no name
   * strings), the same object on later calls, so a re-created cluster keeps its stats.
   */
  public StatFamily family(String prefix, StatFamilySchema schema) {
    StatFamily f = families.get(prefix);
    if (f == null) {
      f = families.computeIfAbsent(prefix, p -> new StatFamily(this, p, schema, allocate(schema.slotCount),
          !includesAll));
    }
    if (f.schema != schema) {
      throw new IllegalStateException("stat family " + prefix + " exists with another schema");
    }
    return f;
  }

  /** A stat registered by its own name or as a family member, or null. */
  private Stat existing(String name) {
    Stat s = byName.get(name);
    if (s != null || families.isEmpty()) {
      return s;
    }
    return familyMember(name);
  }

  private Stat familyMember(String name) {
    for (int dot = name.indexOf('.'); dot >= 0 && dot < name.length() - 1; dot = name.indexOf('.', dot + 1)) {
      StatFamily f = families.get(name.substring(0, dot + 1));
      if (f != null) {
        Stat s = f.member(name.substring(dot + 1));
        if (s != null) {
          return s;
        }
      }
    }
    return null;
  }

  boolean includes(String name) {
    return inclusion.test(name);
  }

  public Gauge gauge(String name) {
    return gauge(name, Gauge.ImportMode.ACCUMULATE);
  }

  public Gauge gauge(String name, Gauge.ImportMode mode) {
    Stat s = existing(name);
    if (s != null) {
      return (Gauge) s;
    }
    return (Gauge) byName.computeIfAbsent(name, n -> new Gauge(this, n, allocate(n, 1), mode));
  }

  public Histogram histogram(String name, Histogram.Unit unit) {
    Stat s = existing(name);
    if (s != null) {
      return (Histogram) s;
    }
    return (Histogram)
        byName.computeIfAbsent(name, n -> new Histogram(this, n, allocate(n, Histogram.slotCount()), unit));
  }

  /** A text readout (Envoy's {@code textReadoutFromString}); it takes no slots. */
  public TextReadout textReadout(String name) {
    return (TextReadout) byName.computeIfAbsent(name, n -> new TextReadout(this, n, allocate(n, 0)));
  }

  // ---- stats with explicit tags (Envoy's counterFromStatNameWithTags), such as Istio's standard metrics ----

  /**
   * A counter with explicit tags: its tag-extracted name is {@code tagExtractedName} and its tags are
   * {@code tags}, whatever the tag extractors would find; its full name joins them as Envoy does
   * ({@code name.tag1.value1.tag2.value2}). Created once per distinct tag set; callers cache the handle.
   */
  public Counter taggedCounter(String tagExtractedName, java.util.List<Tag> tags) {
    String name = joinTags(tagExtractedName, tags);
    return (Counter) byName.computeIfAbsent(name, n -> {
      Counter c = new Counter(this, n, allocate(n, 1));
      c.fixedTags = new TaggedName(tagExtractedName, tags);
      return c;
    });
  }

  /** A histogram with explicit tags; see {@link #taggedCounter}. */
  public Histogram taggedHistogram(String tagExtractedName, java.util.List<Tag> tags, Histogram.Unit unit) {
    String name = joinTags(tagExtractedName, tags);
    return (Histogram) byName.computeIfAbsent(name, n -> {
      Histogram h = new Histogram(this, n, allocate(n, Histogram.slotCount()), unit);
      h.fixedTags = new TaggedName(tagExtractedName, tags);
      return h;
    });
  }

  private static String joinTags(String tagExtractedName, java.util.List<Tag> tags) {
    StringBuilder sb = new StringBuilder(tagExtractedName.length() + tags.size() * 24).append(tagExtractedName);
    for (Tag t : tags) {
      sb.append('.').append(t.name()).append('.').append(t.value());
    }
    return sb.toString();
  }

  private final java.util.Set<String> customNamespaces = ConcurrentHashMap.newKeySet();

  /**
   * Registers a custom stat namespace (Envoy's {@code CustomStatNamespaces}, such as Istio's {@code istio}): stats
   * in it are exported to Prometheus without the namespace and without the {@code envoy_} prefix.
   */
  public void registerCustomNamespace(String namespace) {
    customNamespaces.add(namespace);
  }

  public java.util.Set<String> customNamespaces() {
    return java.util.Set.copyOf(customNamespaces);
  }

  /** A view that prefixes every name, e.g. {@code scope("cluster.backend.")}. */
  public StatsScope scope(String prefix) {
    return new StatsScope(this, prefix);
  }

  /** Every enabled stat, unordered. */
  public Collection<Stat> all() {
    List<Stat> out = new ArrayList<>(byName.size() + families.size() * 64);
    for (Stat s : byName.values()) {
      if (s.id >= 0) {
        out.add(s);
      }
    }
    for (StatFamily f : families.values()) {
      for (Stat s : f.members) {
        if (s.id >= 0) {
          out.add(s);
        }
      }
    }
    return out;
  }

  public Stat find(String name) {
    Stat s = existing(name);
    return s == null || s.id < 0 ? null : s;
  }

  private int allocate(String name, int slots) {
    if (!inclusion.test(name)) {
      return -1;
    }
    return allocate(slots);
  }

  private synchronized int allocate(int slots) {
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
