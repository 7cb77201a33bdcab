package dev.javoy.perf;

import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatsStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Stat updates as the request path does them. {@code *OnWorker} methods run in a fork whose JMH threads are
 * javoy {@link WorkerThread}s ({@link WorkerThreadExecutor}): the private per-worker slot write.
 * {@code *OffWorker} run on plain JMH threads: the shared slot array's atomic add.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StatsBenchmark {
  static final String WORKER_EXECUTOR_1 = "-Djmh.executor=CUSTOM";
  static final String WORKER_EXECUTOR_2 = "-Djmh.executor.class=dev.javoy.perf.WorkerThreadExecutor";

  StatsStore store;
  Counter counter;
  Histogram histogram;

  @Setup
  public void setup() {
    store = new StatsStore();
    // some stats before, so the ids are not all in the first slots
    for (int i = 0; i < 2000; i++) {
      store.counter("cluster.c" + i + ".upstream_rq_total");
    }
    counter = store.counter("http.ingress_http.downstream_rq_total");
    histogram = store.histogram("cluster.backend.upstream_rq_time", Histogram.Unit.MILLISECONDS);
  }

  /** Checks that a method runs on the thread kind it claims to. */
  @State(Scope.Thread)
  public static class OnWorker {
    @Setup
    public void check() {
      if (!(Thread.currentThread() instanceof WorkerThread)) {
        throw new IllegalStateException("not on a WorkerThread: " + Thread.currentThread());
      }
    }
  }

  @State(Scope.Thread)
  public static class OffWorker {
    @Setup
    public void check() {
      if (Thread.currentThread() instanceof WorkerThread) {
        throw new IllegalStateException("on a WorkerThread");
      }
    }
  }

  @Benchmark
  @Fork(jvmArgsAppend = {WORKER_EXECUTOR_1, WORKER_EXECUTOR_2})
  public void counterIncOnWorker(OnWorker w) {
    counter.inc();
  }

  @Benchmark
  public void counterIncOffWorker(OffWorker w) {
    counter.inc();
  }

  @Benchmark
  @Fork(jvmArgsAppend = {WORKER_EXECUTOR_1, WORKER_EXECUTOR_2})
  public void histogramRecordOnWorker(OnWorker w) {
    histogram.record(37);
  }

  @Benchmark
  public void histogramRecordOffWorker(OffWorker w) {
    histogram.record(37);
  }
}
