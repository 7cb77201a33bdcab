package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Envoy's RING_HASH ring (ketama): each host gets about {@code scale × normalized weight} points, the hashes of
 * {@code "<key>_<i>"} (xxHash64 or MurmurHash2), where {@code scale} gives the lightest host a whole number of
 * points within [{@code minimum_ring_size}, {@code maximum_ring_size}]. A request goes to the first point at or
 * after its hash, wrapping around.
 */
final class HashRing implements HashTable {
  /** Hashes with the sign bit flipped, so signed order is unsigned order. */
  private final long[] points;
  private final Host[] hosts;

  private HashRing(long[] points, Host[] hosts) {
    this.points = points;
    this.hosts = hosts;
  }

  static HashRing build(List<WeightedHost> weighted, long minRingSize, long maxRingSize, boolean murmur) {
    if (weighted.isEmpty()) {
      return null;
    }
    double minWeight = 1.0;
    for (WeightedHost w : weighted) {
      minWeight = Math.min(minWeight, w.weight());
    }
    double scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, (double) maxRingSize);
    int size = (int) Math.ceil(scale);
    long[] keys = new long[size + weighted.size()];
    int[] owner = new int[keys.length];
    int n = 0;
    double current = 0;
    double target = 0;
    for (int w = 0; w < weighted.size(); w++) {
      WeightedHost wh = weighted.get(w);
      target += scale * wh.weight();
      for (long i = 0; current < target && n < keys.length; i++) {
        byte[] key = (wh.key() + "_" + i).getBytes(StandardCharsets.UTF_8);
        long h = murmur ? MurmurHash2.hash(key, MurmurHash2.STD_HASH_SEED) : XxHash64.hash(key, 0);
        keys[n] = h ^ Long.MIN_VALUE;
        owner[n] = w;
        n++;
        current++;
      }
    }
    if (n == 0) {
      return null;
    }
    // sort the points by hash, carrying their hosts along
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    final long[] k = keys;
    Arrays.sort(order, (a, b) -> Long.compare(k[a], k[b]));
    long[] points = new long[n];
    Host[] hosts = new Host[n];
    for (int i = 0; i < n; i++) {
      points[i] = keys[order[i]];
      hosts[i] = weighted.get(owner[order[i]]).host();
    }
    return new HashRing(points, hosts);
  }

  int size() {
    return points.length;
  }

  @Override
  public Host pick(long hash) {
    long h = hash ^ Long.MIN_VALUE;
    int lo = 0;
    int hi = points.length;
    while (lo < hi) { // first point >= h
      int mid = (lo + hi) >>> 1;
      if (points[mid] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return hosts[lo == points.length ? 0 : lo];
  }
}
