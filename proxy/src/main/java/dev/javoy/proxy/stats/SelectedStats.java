package dev.javoy.proxy.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The stats an admin {@code /stats} query selects, split by kind and sorted by name as Envoy lists them: text
 * readouts, then counters and gauges, then histograms. Shared by the text and JSON formats.
 */
record SelectedStats(List<TextReadout> texts, List<Stat> numeric, List<Histogram> histograms) {

  static SelectedStats select(Collection<Stat> stats, StatsQuery query) {
    List<Stat> numeric = new ArrayList<>();
    List<Histogram> histograms = new ArrayList<>();
    List<TextReadout> texts = new ArrayList<>();
    for (Stat s : stats) {
      if (!query.type().shows(s) || !query.selects(s)) {
        continue;
      }
      if (s instanceof Histogram h) {
        histograms.add(h);
      } else if (s instanceof TextReadout t) {
        texts.add(t);
      } else {
        numeric.add(s);
      }
    }
    Stat.sortByName(numeric, Comparator.naturalOrder());
    Stat.sortByName(histograms, Comparator.naturalOrder());
    texts.sort(Comparator.comparing(Stat::name));
    return new SelectedStats(texts, numeric, histograms);
  }
}
