package dev.javoy.proxy.stats;

/**
 * A fixed set of stats under one name prefix, registered in the {@link StatsStore} as one entry (such as a
 * cluster's {@code cluster.<name>.*} stats): one slot range, one small object per stat holding only the
 * schema's shared suffix, and full names built only when they are listed ({@code /stats}). Created through
 * {@link StatsScope#family}; the same prefix and schema give the same family, so stats survive a cluster update.
 */
public final class StatFamily {
  private final String prefix;
  final StatFamilySchema schema;
  final Stat[] members;

  StatFamily(StatsStore store, String prefix, StatFamilySchema schema, int baseId, boolean checkInclusion) {
    this.prefix = prefix;
    this.schema = schema;
    int n = schema.suffixes.length;
    members = new Stat[n];
    for (int i = 0; i < n; i++) {
      int id = baseId < 0 ? -1 : baseId + schema.offsets[i];
      String suffix = schema.suffixes[i];
      if (checkInclusion && id >= 0 && !store.includes(prefix + suffix)) {
        id = -1;
      }
      members[i] = switch (schema.kinds[i]) {
        case StatFamilySchema.COUNTER -> new Counter(store, suffix, id, this);
        case StatFamilySchema.GAUGE -> new Gauge(store, suffix, id, (Gauge.ImportMode) schema.modes[i], this);
        default -> new Histogram(store, suffix, id, (Histogram.Unit) schema.modes[i], this);
      };
    }
  }

  public String prefix() {
    return prefix;
  }

  public Counter counter(int index) {
    return (Counter) members[index];
  }

  public Gauge gauge(int index) {
    return (Gauge) members[index];
  }

  public Histogram histogram(int index) {
    return (Histogram) members[index];
  }

  /** The member named {@code suffix} under the prefix, or null. */
  Stat member(String suffix) {
    int i = schema.indexOf(suffix);
    return i < 0 ? null : members[i];
  }
}
