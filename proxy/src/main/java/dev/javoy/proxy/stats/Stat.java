package dev.javoy.proxy.stats;

/** A named stat backed by a slot id in every writer's {@link WorkerStatSlots}. */
public abstract sealed class Stat permits Counter, Gauge, Histogram, TextReadout {
  final StatsStore store;
  final String name;
  final int id;
  /** Tags given when the stat was created ({@link StatsStore#taggedCounter}); null: tags come from extraction. */
  TaggedName fixedTags;

  Stat(StatsStore store, String name, int id) {
    this.store = store;
    this.name = name;
    this.id = id;
  }

  /** The full Envoy stat name, such as {@code cluster.backend.upstream_rq_total}. */
  public final String name() {
    return name;
  }

  /** The tag-extracted name and tags the stat was created with, or null when tag extraction applies. */
  public final TaggedName fixedTags() {
    return fixedTags;
  }

  /** Whether the stat was ever written (for {@code /stats?usedonly}). */
  public boolean used() {
    return store.used(this);
  }
}
