package dev.javoy.proxy.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One writer's private array of stat values, indexed by stat id. The owning worker thread writes with plain
 * (opaque) stores because it is the only writer; readers (admin, on the main thread) read opaque and sum the
 * slots of all workers. Values live in fixed-size chunks allocated on first write, so adding stats never
 * moves existing ones and idle stats cost nothing per worker.
 */
public final class WorkerStatSlots {
  static final int CHUNK_BITS = 10;
  static final int CHUNK_SIZE = 1 << CHUNK_BITS;
  static final int MAX_CHUNKS = 1 << 14; // 16M stats

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final AtomicReferenceArray<long[]> chunks = new AtomicReferenceArray<>(MAX_CHUNKS);
  private final boolean shared;

  /**
   * @param shared true for the slot array that threads other than workers write to; its updates are atomic
   *     read-modify-writes since several threads may write it.
   */
  public WorkerStatSlots(boolean shared) {
    this.shared = shared;
  }

  private long[] chunkForWrite(int id) {
    int c = id >>> CHUNK_BITS;
    long[] chunk = chunks.get(c);
    if (chunk == null) {
      long[] fresh = new long[CHUNK_SIZE];
      if (chunks.compareAndSet(c, null, fresh)) {
        chunk = fresh;
      } else {
        chunk = chunks.get(c);
      }
    }
    return chunk;
  }

  void add(int id, long delta) {
    long[] chunk = chunkForWrite(id);
    int i = id & (CHUNK_SIZE - 1);
    if (shared) {
      LONGS.getAndAdd(chunk, i, delta);
    } else {
      LONGS.setOpaque(chunk, i, (long) LONGS.getOpaque(chunk, i) + delta);
    }
  }

  void set(int id, long value) {
    long[] chunk = chunkForWrite(id);
    LONGS.setVolatile(chunk, id & (CHUNK_SIZE - 1), value);
  }

  long get(int id) {
    long[] chunk = chunks.get(id >>> CHUNK_BITS);
    return chunk == null ? 0 : (long) LONGS.getOpaque(chunk, id & (CHUNK_SIZE - 1));
  }
}
