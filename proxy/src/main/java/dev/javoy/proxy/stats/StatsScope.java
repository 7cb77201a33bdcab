package dev.javoy.proxy.stats;

/** Creates stats under a name prefix (Envoy's {@code Stats::Scope}). */
public final class StatsScope {
  private final StatsStore store;
  private final String prefix;

  StatsScope(StatsStore store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  public Counter counter(String name) {
    return store.counter(prefix + name);
  }

  public Gauge gauge(String name) {
    return store.gauge(prefix + name);
  }

  public Gauge gauge(String name, Gauge.ImportMode mode) {
    return store.gauge(prefix + name, mode);
  }

  public Histogram histogram(String name, Histogram.Unit unit) {
    return store.histogram(prefix + name, unit);
  }

  /** The family of {@code schema}'s stats under this scope's prefix (see {@link StatsStore#family}). */
  public StatFamily family(StatFamilySchema schema) {
    return store.family(prefix, schema);
  }

  public StatsScope scope(String more) {
    return new StatsScope(store, prefix + more);
  }

  public String prefix() {
    return prefix;
  }

  public StatsStore store() {
    return store;
  }
}
