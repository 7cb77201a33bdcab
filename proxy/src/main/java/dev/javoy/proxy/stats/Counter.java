package dev.javoy.proxy.stats;

/** A monotonically increasing stat (Envoy counter). Cheap to increment from any worker. */
public final class Counter extends Stat {
  Counter(StatsStore store, String name, int id) {
    super(store, name, id);
  }

  Counter(StatsStore store, String suffix, int id, StatFamily family) {
    super(store, suffix, id, family);
  }

  public void inc() {
    store.add(id, 1);
  }

  public void add(long delta) {
    store.add(id, delta);
  }

  public long value() {
    return store.sum(id);
  }
}
