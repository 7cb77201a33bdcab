package dev.javoy.proxy.server;

import dev.javoy.proxy.stats.WorkerStatSlots;
import dev.javoy.proxy.event.LoopClockThread;

/**
 * The thread of one worker event loop. It carries the worker's index and its private stat slots, so that a
 * stat increment on the request path is a plain write to memory only this thread writes.
 */
public final class WorkerThread extends LoopClockThread { // h1clock: carries the loop's cached clock
  private final int workerIndex;
  private final WorkerStatSlots statSlots;

  public WorkerThread(Runnable target, String name, int workerIndex, WorkerStatSlots statSlots) {
    super(target, name);
    this.workerIndex = workerIndex;
    this.statSlots = statSlots;
    setDaemon(false);
  }

  public int workerIndex() {
    return workerIndex;
  }

  public WorkerStatSlots statSlots() {
    return statSlots;
  }

  /** The index of the worker running the calling code, or -1 off the workers (main thread, gRPC, tests). */
  public static int currentIndex() {
    return Thread.currentThread() instanceof WorkerThread w ? w.workerIndex : -1;
  }
}
