package dev.javoy.proxy.stats;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A per-worker cache of stat handles owned by one filter config (such as Istio's metrics by label values): each
 * thread has its own plain map, so lookups take no lock. All caches share one thread-local slot and are held
 * weakly per thread, so a config replaced by an xDS update leaves nothing behind once it is collected (one
 * {@code FastThreadLocal} per config would use up thread-local indices with every update).
 */
public final class PerThreadStatCache<K, V> {
  private static final FastThreadLocal<WeakHashMap<PerThreadStatCache<?, ?>, Map<?, ?>>> MAPS =
      new FastThreadLocal<>() {
        @Override
        protected WeakHashMap<PerThreadStatCache<?, ?>, Map<?, ?>> initialValue() {
          return new WeakHashMap<>();
        }
      };

  private final int maxEntries;

  /** @param maxEntries the map is cleared when it reaches this size (the stats stay in the store) */
  public PerThreadStatCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** This thread's map. */
  @SuppressWarnings("unchecked")
  public Map<K, V> map() {
    WeakHashMap<PerThreadStatCache<?, ?>, Map<?, ?>> maps = MAPS.get();
    Map<K, V> m = (Map<K, V>) maps.get(this);
    if (m == null) {
      m = new HashMap<>();
      maps.put(this, m);
    }
    return m;
  }

  /** Puts {@code value} in this thread's map, clearing it first when it is full. */
  public void put(Map<K, V> map, K key, V value) {
    if (map.size() >= maxEntries) {
      map.clear();
    }
    map.put(key, value);
  }
}
