package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PerThreadStatCacheTest {
  @Test
  void eachThreadHasItsOwnBoundedMap() throws Exception {
    PerThreadStatCache<String, Integer> cache = new PerThreadStatCache<>(2);
    Map<String, Integer> mine = cache.map();
    assertSame(mine, cache.map());
    cache.put(mine, "a", 1);
    cache.put(mine, "b", 2);
    cache.put(mine, "c", 3); // full: cleared first
    assertEquals(Map.of("c", 3), mine);
    CompletableFuture<Map<String, Integer>> other = new CompletableFuture<>();
    Thread t = new Thread(() -> other.complete(cache.map()));
    t.start();
    t.join();
    assertNotSame(mine, other.get());
    assertEquals(Map.of(), other.get());
    assertNotSame(mine, new PerThreadStatCache<String, Integer>(2).map(), "one map per cache");
  }
}
