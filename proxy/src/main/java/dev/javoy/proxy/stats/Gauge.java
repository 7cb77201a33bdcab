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
  /** When set, the value is read from it instead of the slots (see {@link #readFrom}). */
  private volatile java.util.function.LongSupplier reader;

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
    if (id < 0) {
      return 0;
    }
    java.util.function.LongSupplier r = reader;
    return r != null ? r.getAsLong() : store.sum(id);
  }

  /**
   * Makes the gauge read its value from {@code source} whenever it is read (/stats, sinks) instead of from the
   * writers' slots: for values that already live elsewhere, such as the circuit breakers' {@code remaining_*}
   * (limit minus the shared count), so the request path writes nothing more. The last call wins (a cluster
   * updated by CDS re-binds its gauges to its new counts).
   */
  public void readFrom(java.util.function.LongSupplier source) {
    this.reader = source;
  }

  /** Stops reading from {@code source} if the gauge still reads from it (its owner went away). */
  public void stopReadingFrom(java.util.function.LongSupplier source) {
    if (reader == source) {
      reader = null;
    }
  }

  @Override
  public boolean used() {
    return reader != null ? value() != 0 : super.used();
  }

  public ImportMode importMode() {
    return importMode;
  }
}
