package dev.javoy.proxy.accesslog;

import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The access log files of one server (Envoy's {@code AccessLogManager}): each path is opened once and shared
 * by every logger that names it; {@code /dev/stdout} and {@code /dev/stderr} are the process's own streams.
 * One flusher thread writes every file out each {@code --file-flush-interval-msec}, and sooner for a file
 * with {@code --file-flush-min-size-kb} pending; workers only queue lines. Stats are Envoy's
 * {@code filesystem.*}.
 */
public final class AccessLogFiles implements AutoCloseable {
  /** Where a file's lines go. */
  public enum Destination { FILE, STDOUT, STDERR }

  /** Envoy's {@code filesystem.*} stats, shared by all files. */
  public record FileStats(Counter writeBuffered, Counter writeCompleted, Counter flushedByTimer,
      Counter writeFailed, Counter reopenFailed, Gauge writeTotalBuffered) {
    static FileStats of(StatsStore store) {
      return new FileStats(store.counter("filesystem.write_buffered"), store.counter("filesystem.write_completed"),
          store.counter("filesystem.flushed_by_timer"), store.counter("filesystem.write_failed"),
          store.counter("filesystem.reopen_failed"), store.gauge("filesystem.write_total_buffered"));
    }
  }

  /** Default limit on what one file may have pending before lines are dropped. */
  public static final long DEFAULT_MAX_PENDING_BYTES = 64L << 20;

  private static final Map<StatsStore, AccessLogFiles> BY_SERVER = new WeakHashMap<>();
  private static final int SCRATCH_BYTES = 256 * 1024;

  private final Map<String, AccessLogFile> files = new ConcurrentHashMap<>();
  private final FileStats stats;
  private final long intervalNanos;
  private final long flushMinBytes;
  private final long maxPendingBytes;
  private final AtomicBoolean wakeup = new AtomicBoolean();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES);
  private volatile boolean closed;
  private volatile Thread flusher;
  private Thread exitHook;

  /**
   * @param flushInterval how often every file is written out
   * @param flushMinSizeKb how much a file may have pending before it is written out early
   * @param maxPendingBytes how much a file may have pending before new lines are dropped
   */
  public AccessLogFiles(StatsStore stats, Duration flushInterval, int flushMinSizeKb, long maxPendingBytes) {
    this.stats = FileStats.of(stats);
    this.intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), flushInterval.toNanos());
    this.flushMinBytes = Math.max(1, flushMinSizeKb * 1024L);
    this.maxPendingBytes = maxPendingBytes;
  }

  /**
   * The files of the server {@code ctx} belongs to (one manager per stats store), flushing as the server's
   * options say. What is pending is written out when the JVM exits, or at {@link #close()}.
   */
  public static AccessLogFiles of(FactoryContext ctx) {
    synchronized (BY_SERVER) {
      return BY_SERVER.computeIfAbsent(ctx.stats(), store -> {
        ServerOptions o = ctx.options() != null ? ctx.options() : ServerOptions.defaults();
        AccessLogFiles files =
            new AccessLogFiles(store, o.fileFlushInterval(), o.fileFlushMinSizeKb(), DEFAULT_MAX_PENDING_BYTES);
        files.exitHook = new Thread(files::close, "javoy-access-log-exit-flush");
        Runtime.getRuntime().addShutdownHook(files.exitHook);
        return files;
      });
    }
  }

  /** The files {@link #of} made for the server with {@code stats}, or null (for reopen and shutdown). */
  public static AccessLogFiles find(StatsStore stats) {
    synchronized (BY_SERVER) {
      return BY_SERVER.get(stats);
    }
  }

  /**
   * The file at {@code path}, opened (created, appended to) on first use. {@code /dev/stdout} and
   * {@code /dev/stderr} are the process's streams.
   *
   * @throws IOException when the file cannot be opened
   */
  public synchronized AccessLogFile open(String path) throws IOException {
    Destination d = path.equals("/dev/stdout") ? Destination.STDOUT
        : path.equals("/dev/stderr") ? Destination.STDERR : Destination.FILE;
    return open(path, d);
  }

  /** The process's stdout ({@code envoy.access_loggers.stdout}); fails only once closed. */
  public synchronized AccessLogFile stdout() throws IOException {
    return open("/dev/stdout", Destination.STDOUT);
  }

  /** The process's stderr ({@code envoy.access_loggers.stderr}); fails only once closed. */
  public synchronized AccessLogFile stderr() throws IOException {
    return open("/dev/stderr", Destination.STDERR);
  }

  private AccessLogFile open(String path, Destination d) throws IOException {
    if (closed) {
      throw new IOException("access log files are closed");
    }
    AccessLogFile f = files.get(path);
    if (f == null) {
      f = new AccessLogFile(path, d, this);
      files.put(path, f);
      startFlusher();
    }
    return f;
  }

  private void startFlusher() {
    if (flusher == null) {
      flusher = new Thread(this::runFlusher, "javoy-access-log-flush");
      flusher.setDaemon(true);
      flusher.start();
    }
  }

  public FileStats stats() {
    return stats;
  }

  long flushMinBytes() {
    return flushMinBytes;
  }

  long maxPendingBytes() {
    return maxPendingBytes;
  }

  /** Asks the flusher to write out now (a file reached the minimum flush size). Never blocks. */
  void wakeFlusher() {
    Thread t = flusher;
    if (t != null && !wakeup.get() && wakeup.compareAndSet(false, true)) {
      LockSupport.unpark(t);
    }
  }

  private void runFlusher() {
    long nextTick = System.nanoTime() + intervalNanos;
    while (!closed) {
      long wait = nextTick - System.nanoTime();
      if (wait > 0 && !wakeup.get()) {
        LockSupport.parkNanos(this, wait);
        continue;
      }
      wakeup.set(false);
      boolean byTimer = System.nanoTime() - nextTick >= 0;
      if (byTimer) {
        nextTick = System.nanoTime() + intervalNanos;
      }
      flushFiles(byTimer);
    }
  }

  private void flushFiles(boolean byTimer) {
    flushLock.lock();
    try {
      for (AccessLogFile f : files.values()) {
        if (byTimer || f.pendingBytes() > 0) {
          f.flush(scratch, byTimer);
        }
      }
    } finally {
      flushLock.unlock();
    }
  }

  /** Writes every file out now, on the calling thread (tests, admin, exit). */
  public void flushAll() {
    flushFiles(false);
  }

  /** Reopens every file before its next write out (Envoy's {@code /reopen_logs}, after log rotation). */
  public void reopenAll() {
    for (AccessLogFile f : files.values()) {
      f.reopen();
    }
    wakeFlusher();
  }

  /**
   * Stops the flusher, writes out what is pending (waiting at most a second for a stalled file) and closes the
   * files. Afterwards {@link #open} fails; lines still written are dropped.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    unregister();
    Thread t = flusher;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (flushLock.tryLock(1, TimeUnit.SECONDS)) {
        try {
          for (AccessLogFile f : files.values()) {
            f.flush(scratch, false);
            f.close();
          }
        } finally {
          flushLock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void unregister() {
    synchronized (BY_SERVER) {
      BY_SERVER.values().removeIf(v -> v == this);
      if (exitHook != null && Thread.currentThread() != exitHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException e) {
          // the JVM is exiting: the hook runs anyway
        }
      }
    }
  }
}
