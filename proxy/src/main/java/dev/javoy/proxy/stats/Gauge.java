package dev.javoy.proxy.stats;

/**
 * A value that goes up and down (Envoy gauge). Workers change it with {@link #inc()}/{@link #dec()}; the
 * value is the sum over all writers. {@link #set(long)} is for gauges owned by the main thread only (server
 * state, config versions): it writes the shared slot and must not be mixed with worker increments.
 */
public final class Gauge extends Stat {
  /** Envoy's hot-restart import mode; {@code NeverImport} gauges are left out of some outputs. */
  public enum ImportMode { ACCUMULATE, NEVER_IMPORT }

  private final ImportMode importMode;

  Gauge(StatsStore store, String name, int id, ImportMode importMode) {
    super(store, name, id);
    this.importMode = importMode;
  }

  Gauge(StatsStore store, String suffix, int id, ImportMode importMode, StatFamily family) {
    super(store, suffix, id, family);
    this.importMode = importMode;
  }

  public void inc() {
    store.add(id, 1);
  }

  public void dec() {
    store.add(id, -1);
  }

  public void add(long delta) {
    store.add(id, delta);
  }

  public void set(long value) {
    store.setShared(id, value);
  }

  public long value() {
    return store.sum(id);
  }

  public ImportMode importMode() {
    return importMode;
  }
}
