package dev.javoy.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.javoy.proxy.server.WorkerThread;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsStoreTest {
  @Test
  void workerIncrementsAreSummedOnRead() throws Exception {
    StatsStore store = new StatsStore();
    Counter c = store.counter("cluster.x.upstream_rq_total");
    Gauge g = store.gauge("cluster.x.upstream_rq_active");
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      threads.add(new WorkerThread(() -> {
        for (int i = 0; i < 100_000; i++) {
          c.inc();
          g.inc();
          g.dec();
        }
        g.inc();
      }, "w" + w, w, store.newWorkerSlots()));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    c.add(5); // from a non-worker thread: the shared slot
    assertEquals(400_005, c.value());
    assertEquals(4, g.value());
    assertSame(c, store.counter("cluster.x.upstream_rq_total"));
  }

  @Test
  void excludedStatsAreDisabledAndUnlisted() {
    StatsStore store = new StatsStore(name -> !name.startsWith("http."));
    Counter off = store.counter("http.ingress.rq_total");
    off.inc();
    assertEquals(0, off.value());
    assertNull(store.find("http.ingress.rq_total"));
    assertFalse(store.all().contains(off));
  }

  @Test
  void histogramsCountIntoEnvoyBuckets() {
    StatsStore store = new StatsStore();
    Histogram h = store.histogram("cluster.x.upstream_rq_time", Histogram.Unit.MILLISECONDS);
    h.record(0);
    h.record(3);
    h.record(7_000_000);
    assertEquals(3, h.sampleCount());
    assertEquals(7_000_003, h.sampleSum());
    assertEquals(1, h.bucketCount(0)); // <= 0.5
    assertEquals(1, h.bucketCount(2)); // <= 5
    assertEquals(1, h.bucketCount(Histogram.DEFAULT_BUCKETS.length)); // +Inf
  }
}
