package dev.javoy.filters.istio.stats;

import java.util.Arrays;

/** One stream's label values: the key of the per-worker metric cache (hash computed once). */
final class LabelValues {
  final String[] values;
  private final int hash;

  LabelValues(String[] values) {
    this.values = values;
    this.hash = Arrays.hashCode(values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelValues other && other.hash == hash && Arrays.equals(other.values, values);
  }
}
