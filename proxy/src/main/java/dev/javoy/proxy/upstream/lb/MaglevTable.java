package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Envoy's MAGLEV table (Google's Maglev paper, weighted as Envoy does): each host walks its own permutation of the
 * table ({@code offset = xxHash64(key) mod M}, {@code skip = xxHash64(key, seed 1) mod (M-1) + 1}) and takes
 * the next free slot in turn; a host of lower weight takes a turn only as often as its weight relative to the
 * heaviest allows. A request goes to slot {@code hash mod M}. Hosts are ordered by key before building, so the
 * table does not depend on the order endpoints arrived in.
 */
final class MaglevTable implements HashTable {
  private final Host[] table;
  /** Envoy's {@code maglev_lb.*} gauges: the fewest and most table entries of a host. */
  final long minEntriesPerHost;
  final long maxEntriesPerHost;

  private MaglevTable(Host[] table, long minEntriesPerHost, long maxEntriesPerHost) {
    this.table = table;
    this.minEntriesPerHost = minEntriesPerHost;
    this.maxEntriesPerHost = maxEntriesPerHost;
  }

  private static final class Entry {
    final Host host;
    final long offset;
    final long skip;
    final double weight;
    double targetWeight;
    long next;
    long count;

    Entry(Host host, long offset, long skip, double weight) {
      this.host = host;
      this.offset = offset;
      this.skip = skip;
      this.weight = weight;
    }
  }

  static MaglevTable build(List<WeightedHost> weighted, int tableSize) {
    if (weighted.isEmpty()) {
      return null;
    }
    List<WeightedHost> sorted = new ArrayList<>(weighted);
    sorted.sort(Comparator.comparing(WeightedHost::key));
    List<Entry> entries = new ArrayList<>(sorted.size());
    double maxWeight = 0;
    for (WeightedHost w : sorted) {
      long offset = Long.remainderUnsigned(XxHash64.hash(w.key(), 0), tableSize);
      long skip = Long.remainderUnsigned(XxHash64.hash(w.key(), 1), tableSize - 1) + 1;
      entries.add(new Entry(w.host(), offset, skip, w.weight()));
      maxWeight = Math.max(maxWeight, w.weight());
    }
    Host[] table = new Host[tableSize];
    int filled = 0;
    for (long iteration = 1; filled < tableSize; iteration++) {
      for (int i = 0; i < entries.size() && filled < tableSize; i++) {
        Entry e = entries.get(i);
        if (iteration * e.weight < e.targetWeight) {
          continue;
        }
        e.targetWeight += maxWeight;
        int c = (int) ((e.offset + e.skip * e.next) % tableSize);
        while (table[c] != null) {
          e.next++;
          c = (int) ((e.offset + e.skip * e.next) % tableSize);
        }
        table[c] = e.host;
        e.next++;
        e.count++;
        filled++;
      }
    }
    long min = tableSize;
    long max = 0;
    for (Entry e : entries) {
      min = Math.min(min, e.count);
      max = Math.max(max, e.count);
    }
    return new MaglevTable(table, min, max);
  }

  @Override
  public Host pick(long hash, int attempt) {
    // a re-selection flips most bits of the hash (h ^ (2^64 - attempt)), as Envoy
    long h = attempt > 0 ? hash ^ -(long) attempt : hash;
    return table[(int) Long.remainderUnsigned(h, table.length)];
  }

  Host slot(int i) {
    return table[i];
  }
}
