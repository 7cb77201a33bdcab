package dev.javoy.proxy.stats;

/** A named stat backed by a slot id in every writer's {@link WorkerStatSlots}. */
public abstract sealed class Stat permits Counter, Gauge, Histogram, TextReadout {
  final StatsStore store;
  /** The full name, or for a member of a {@link StatFamily} the schema's suffix under the family's prefix. */
  private final String name;
  final int id;
  /** The family this stat belongs to, or null for a stat registered by its own name. */
  final StatFamily family;
  /** Tags given when the stat was created ({@link StatsStore#taggedCounter}); null: tags come from extraction. */
  TaggedName fixedTags;

  Stat(StatsStore store, String name, int id) {
    this(store, name, id, null);
  }

  Stat(StatsStore store, String name, int id, StatFamily family) {
    this.store = store;
    this.name = name;
    this.id = id;
    this.family = family;
  }

  /** The full Envoy stat name, such as {@code cluster.backend.upstream_rq_total}. */
  public final String name() {
    return family == null ? name : family.prefix().concat(name);
  }

  /** The tag-extracted name and tags the stat was created with, or null when tag extraction applies. */
  public final TaggedName fixedTags() {
    return fixedTags;
  }

  /** Whether the stat was ever written (for {@code /stats?usedonly}). */
  public boolean used() {
    return store.used(this);
  }

  /**
   * Sorts stats by name with {@code order}, building each name once (names of family members are not stored).
   */
  static <T extends Stat> void sortByName(java.util.List<T> stats, java.util.Comparator<String> order) {
    int n = stats.size();
    String[] names = new String[n];
    Integer[] index = new Integer[n];
    for (int i = 0; i < n; i++) {
      names[i] = stats.get(i).name();
      index[i] = i;
    }
    java.util.Arrays.sort(index, (a, b) -> order.compare(names[a], names[b]));
    java.util.List<T> sorted = new java.util.ArrayList<>(n);
    for (Integer i : index) {
      sorted.add(stats.get(i));
    }
    for (int i = 0; i < n; i++) {
      stats.set(i, sorted.get(i));
    }
  }
}
