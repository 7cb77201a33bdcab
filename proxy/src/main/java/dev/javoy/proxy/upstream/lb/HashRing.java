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
  /** Envoy's {@code ring_hash_lb.*} gauges: the ring size asked for, and the fewest/most points of a host. */
  final long ringSize;
  final long minHashesPerHost;
  final long maxHashesPerHost;

  private HashRing(long[] points, Host[] hosts, long ringSize, long minHashesPerHost, long maxHashesPerHost) {
    this.points = points;
    this.hosts = hosts;
    this.ringSize = ringSize;
    this.minHashesPerHost = minHashesPerHost;
    this.maxHashesPerHost = maxHashesPerHost;
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
    long minPerHost = size;
    long maxPerHost = 0;
    for (int w = 0; w < weighted.size(); w++) {
      WeightedHost wh = weighted.get(w);
      target += scale * wh.weight();
      long i = 0;
      for (; current < target && n < keys.length; i++) {
        byte[] key = (wh.key() + "_" + i).getBytes(StandardCharsets.UTF_8);
        long h = murmur ? MurmurHash2.hash(key, MurmurHash2.STD_HASH_SEED) : XxHash64.hash(key, 0);
        keys[n] = h ^ Long.MIN_VALUE;
        owner[n] = w;
        n++;
        current++;
      }
      minPerHost = Math.min(minPerHost, i);
      maxPerHost = Math.max(maxPerHost, i);
    }
    if (n == 0) {
      return null;
    }
    // sort the points by hash, carrying their hosts along (in place: rings can have millions of points)
    sort(keys, owner, n);
    long[] points = Arrays.copyOf(keys, n);
    Host[] hosts = new Host[n];
    for (int i = 0; i < n; i++) {
      hosts[i] = weighted.get(owner[i]).host();
    }
    return new HashRing(points, hosts, size, minPerHost, maxPerHost);
  }

  /** Heap sort of the first {@code n} keys ascending, moving {@code owner} along. */
  private static void sort(long[] keys, int[] owner, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(keys, owner, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(keys, owner, 0, end);
      siftDown(keys, owner, 0, end);
    }
  }

  private static void siftDown(long[] keys, int[] owner, int i, int n) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        return;
      }
      int m = l + 1 < n && keys[l + 1] > keys[l] ? l + 1 : l;
      if (keys[m] <= keys[i]) {
        return;
      }
      swap(keys, owner, i, m);
      i = m;
    }
  }

  private static void swap(long[] keys, int[] owner, int a, int b) {
    long k = keys[a];
    keys[a] = keys[b];
    keys[b] = k;
    int o = owner[a];
    owner[a] = owner[b];
    owner[b] = o;
  }

  int size() {
    return points.length;
  }

  @Override
  public Host pick(long hash, int attempt) {
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
    int i = lo == points.length ? 0 : lo;
    // a re-selection takes a later point, as if the host were not on the ring (it may be the same host again)
    return hosts[attempt > 0 ? (int) ((i + (long) attempt) % points.length) : i];
  }
}
