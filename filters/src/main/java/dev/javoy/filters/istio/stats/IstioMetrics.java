package dev.javoy.filters.istio.stats;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.Stat;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.Tag;
import dev.javoy.proxy.stats.PerThreadStatCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metric handles of Istio's standard metrics for one distinct set of label values. Each worker caches them
 * by {@link LabelValues} ({@link Cache}): the first stream with new values creates the tagged stats (in the
 * {@code istio} namespace, exported as {@code istio_*}); later streams with the same values find them with one
 * hash lookup and build no strings.
 */
final class IstioMetrics {
  /** Per metric ({@link IstioMetric#ordinal()}): its stat, or null when dropped or not of this kind of traffic. */
  final Stat[] stats = new Stat[IstioMetric.ALL.length];

  private IstioMetrics() {}

  Counter counter(IstioMetric m) {
    return (Counter) stats[m.ordinal()];
  }

  Histogram histogram(IstioMetric m) {
    return (Histogram) stats[m.ordinal()];
  }

  static IstioMetrics create(StatsStore store, IstioStatsConfig.LabelSchema schema, String[] values, boolean tcp) {
    IstioMetrics out = new IstioMetrics();
    for (IstioMetric m : IstioMetric.ALL) {
      int[] labels = schema.labelsOf[m.ordinal()];
      if (m.tcp != tcp || labels == null) {
        continue;
      }
      List<Tag> tags = new ArrayList<>(labels.length);
      for (int index : labels) {
        String v = values[index];
        tags.add(new Tag(schema.tagName(index), v == null ? "unknown" : v));
      }
      out.stats[m.ordinal()] = m.kind == IstioMetric.Kind.COUNTER ? store.taggedCounter(m.statName, tags)
          : store.taggedHistogram(m.statName, tags, m == IstioMetric.REQUEST_DURATION_MILLISECONDS
              ? Histogram.Unit.MILLISECONDS : Histogram.Unit.BYTES);
    }
    return out;
  }

  /** One worker's (thread's) handles by label values, for one filter config. */
  static final class Cache {
    private final PerThreadStatCache<LabelValues, IstioMetrics> perThread = new PerThreadStatCache<>(10_000);
    private final StatsStore store;
    private final IstioStatsConfig.LabelSchema schema;
    private final boolean tcp;

    Cache(StatsStore store, IstioStatsConfig.LabelSchema schema, boolean tcp) {
      this.store = store;
      this.schema = schema;
      this.tcp = tcp;
    }

    IstioMetrics get(String[] values) {
      Map<LabelValues, IstioMetrics> map = perThread.map();
      LabelValues key = new LabelValues(values);
      IstioMetrics m = map.get(key);
      if (m == null) {
        m = create(store, schema, values, tcp);
        perThread.put(map, key, m);
      }
      return m;
    }
  }
}
