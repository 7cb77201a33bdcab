package dev.javoy.perf;

import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.stats.WorkerStatSlots;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JMH executor ({@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.javoy.perf.WorkerThreadExecutor})
 * whose threads are javoy {@link WorkerThread}s with their own private {@link WorkerStatSlots}, so stat
 * updates in a benchmark take the real per-worker path. The slots are not registered with any StatsStore (the
 * store is created later, in the benchmark's set-up), which only means their values are not summed.
 */
public final class WorkerThreadExecutor extends ThreadPoolExecutor {
  public WorkerThreadExecutor(int maxThreads, String prefix) {
    super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), newFactory(prefix));
  }

  private static java.util.concurrent.ThreadFactory newFactory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.getAndIncrement();
      WorkerThread t = new WorkerThread(r, prefix + "-worker-" + i, i, new WorkerStatSlots(false));
      t.setDaemon(true);
      return t;
    };
  }
}
