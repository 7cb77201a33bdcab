package dev.javoy.proxy.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stat names one kind of {@link StatFamily} has, such as every cluster's {@code cluster.<name>.*} stats:
 * built once per kind (a static constant), shared by all its families, so creating a family concatenates no
 * names. Add a stat with {@link Builder#counter}, {@link Builder#gauge} or {@link Builder#histogram}, keep the
 * returned index and read the stat with {@link StatFamily#counter(int)} etc.
 */
public final class StatFamilySchema {
  static final byte COUNTER = 0;
  static final byte GAUGE = 1;
  static final byte HISTOGRAM = 2;

  final String[] suffixes;
  final byte[] kinds;
  final Object[] modes; // Gauge.ImportMode or Histogram.Unit
  final int[] offsets;
  final int slotCount;
  private final Map<String, Integer> indexBySuffix;

  private StatFamilySchema(Builder b) {
    int n = b.suffixes.size();
    suffixes = b.suffixes.toArray(new String[0]);
    kinds = new byte[n];
    modes = b.modes.toArray();
    offsets = new int[n];
    indexBySuffix = new HashMap<>(n * 2);
    int slot = 0;
    for (int i = 0; i < n; i++) {
      kinds[i] = b.kinds.get(i);
      offsets[i] = slot;
      slot += kinds[i] == HISTOGRAM ? Histogram.slotCount() : 1;
      indexBySuffix.put(suffixes[i], i);
    }
    slotCount = slot;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The member index of the stat named {@code suffix} under the family's prefix, or -1. */
  int indexOf(String suffix) {
    Integer i = indexBySuffix.get(suffix);
    return i == null ? -1 : i;
  }

  public int size() {
    return suffixes.length;
  }

  /** Collects the names of a schema; each method returns the stat's index in the family. */
  public static final class Builder {
    private final List<String> suffixes = new ArrayList<>();
    private final List<Byte> kinds = new ArrayList<>();
    private final List<Object> modes = new ArrayList<>();

    private Builder() {}

    public int counter(String suffix) {
      return add(suffix, COUNTER, null);
    }

    public int gauge(String suffix) {
      return add(suffix, GAUGE, Gauge.ImportMode.ACCUMULATE);
    }

    public int gauge(String suffix, Gauge.ImportMode mode) {
      return add(suffix, GAUGE, mode);
    }

    public int histogram(String suffix, Histogram.Unit unit) {
      return add(suffix, HISTOGRAM, unit);
    }

    private int add(String suffix, byte kind, Object mode) {
      if (suffixes.contains(suffix)) {
        throw new IllegalArgumentException("duplicate stat " + suffix);
      }
      suffixes.add(suffix);
      kinds.add(kind);
      modes.add(mode);
      return suffixes.size() - 1;
    }

    public StatFamilySchema build() {
      return new StatFamilySchema(this);
    }
  }
}
