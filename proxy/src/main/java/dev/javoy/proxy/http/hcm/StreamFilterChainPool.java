package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.server.WorkerThread;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One worker's reusable {@link StreamFilterChain}s of one connection manager config: a bounded FIFO ring, touched
 * only by that worker's thread (no synchronization). A chain just given back is never the next one taken: a
 * chain is taken only while another one waits behind it, so a stream that starts inside the call stack of the
 * stream that just ended (a pipelined HTTP/1.1 request dispatched from the response's completion) never gets the
 * filter instances whose methods are still on that stack.
 */
final class StreamFilterChainPool {
  /** Streams a worker runs at once beyond this allocate their chains (and the extra chains are dropped). */
  static final int CAPACITY = 128;

  static final StreamFilterChainPool[] NONE = new StreamFilterChainPool[0];

  private final StreamFilterChain[] ring = new StreamFilterChain[CAPACITY];
  private int head;
  private int size;

  private StreamFilterChainPool() {}

  /**
   * A chain for {@code stream}, new on the calling thread: a recycled one, or a new one; with a null
   * {@code stream}, the chain's own stream object ({@link StreamFilterChain#owner}) serves it.
   */
  static StreamFilterChain take(HttpConnectionManagerConfig config, ActiveStream stream) {
    StreamFilterChainPool pool = forCurrentWorker(config, false);
    if (pool == null || pool.size < 2) {
      return new StreamFilterChain(config, stream);
    }
    StreamFilterChain c = pool.ring[pool.head];
    pool.ring[pool.head] = null;
    pool.head = (pool.head + 1) % CAPACITY;
    pool.size--;
    if (stream != null) {
      c.attach(stream);
    }
    return c;
  }

  /** A stream ended: its chain is recycled into the calling worker's pool when it can be. */
  static void giveBack(HttpConnectionManagerConfig config, StreamFilterChain chain) {
    if (!chain.recyclable) {
      return;
    }
    StreamFilterChainPool pool = forCurrentWorker(config, true);
    if (pool == null || pool.size == CAPACITY || !chain.recycle()) {
      return;
    }
    pool.ring[(pool.head + pool.size) % CAPACITY] = chain;
    pool.size++;
  }

  /** How many chains wait (tests). */
  int size() {
    return size;
  }

  static StreamFilterChainPool forCurrentWorker(HttpConnectionManagerConfig config, boolean create) {
    int w = WorkerThread.currentIndex();
    if (w < 0) {
      return null; // not on a worker (tests, the main thread): no reuse
    }
    AtomicReference<StreamFilterChainPool[]> ref = config.streamChainPools;
    StreamFilterChainPool[] pools = ref.get();
    if (w < pools.length && pools[w] != null) {
      return pools[w];
    }
    if (!create) {
      return null;
    }
    // First use on this worker: copy-on-write, so workers adding their own slots at once lose nothing.
    StreamFilterChainPool mine = new StreamFilterChainPool();
    while (true) {
      StreamFilterChainPool[] grown = java.util.Arrays.copyOf(pools, Math.max(pools.length, w + 1));
      grown[w] = mine;
      if (ref.compareAndSet(pools, grown)) {
        return mine;
      }
      pools = ref.get();
    }
  }
}
