package dev.javoy.proxy.event;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.TimeUnit;

/**
 * Cheap per-stream timers for one event loop and one timeout length (Envoy's timers are cheap; Netty's are a
 * task object and a priority-queue insert and removal each). Entries armed with the same timeout expire in the
 * order they were armed, so the queue is a doubly linked FIFO that stays sorted by itself: arming appends, a
 * cancel unlinks, {@link #rearm} (activity on an idle timer) moves the entry to the tail, all O(1) and without
 * allocation (the entry is a field of the object it times). One Netty task is scheduled for the head only; a
 * cancelled head leaves that task in place, and when it runs it expires what is due and schedules itself for
 * the new head. Event loop thread only.
 */
public final class DeadlineQueue {
  /** What a queue times: extend it (or keep one as a field); {@link #onDeadline} runs on the loop when due. */
  public abstract static class Entry {
    private Entry prev;
    private Entry next;
    private long deadlineNanos;
    private DeadlineQueue queue;

    /** The timeout elapsed; the entry is no longer armed. */
    protected abstract void onDeadline();

    /** Whether the entry waits in a queue. */
    public final boolean deadlineArmed() {
      return queue != null;
    }

    /** Disarms the entry (nothing when it is not armed). */
    public final void cancelDeadline() {
      DeadlineQueue q = queue;
      if (q != null) {
        q.unlink(this);
      }
    }
  }

  /** The queues of the loops whose thread this is, by loop and timeout; a handful per thread. */
  private static final FastThreadLocal<DeadlineQueue[]> QUEUES = new FastThreadLocal<>() {
    @Override
    protected DeadlineQueue[] initialValue() {
      return new DeadlineQueue[4];
    }
  };

  private final EventLoop loop;
  private final long timeoutNanos;
  private final Runnable expireTask = this::expire;
  private Entry head;
  private Entry tail;
  /** When the scheduled task runs ({@link System#nanoTime()} time), or 0 when none is scheduled. */
  private long scheduledFor;

  private DeadlineQueue(EventLoop loop, long timeoutNanos) {
    this.loop = loop;
    this.timeoutNanos = timeoutNanos;
  }

  /** The queue of {@code loop} for timeouts of {@code timeoutMillis}; call on the loop's thread. */
  public static DeadlineQueue of(EventLoop loop, long timeoutMillis) {
    long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    DeadlineQueue[] qs = QUEUES.get();
    int i = 0;
    for (; i < qs.length && qs[i] != null; i++) {
      DeadlineQueue q = qs[i];
      if (q.timeoutNanos == nanos && q.loop == loop) {
        return q;
      }
    }
    if (i == qs.length) {
      qs = java.util.Arrays.copyOf(qs, qs.length * 2);
      QUEUES.set(qs);
    }
    DeadlineQueue q = new DeadlineQueue(loop, nanos);
    qs[i] = q;
    return q;
  }

  public long timeoutNanos() {
    return timeoutNanos;
  }

  /** Whether this is {@code loop}'s queue for {@code timeoutMillis} (a caller may keep the queue it found). */
  public boolean isFor(EventLoop loop, long timeoutMillis) {
    return this.loop == loop && timeoutNanos == TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  /** Arms {@code e} to expire one timeout from now (re-arms it when it is armed already). */
  public void arm(Entry e) {
    if (e.queue != null) {
      e.queue.unlink(e);
    }
    long deadline = LoopClock.nanoTime() + timeoutNanos; // the loop turn's time, as Envoy's timers
    e.deadlineNanos = deadline;
    e.queue = this;
    e.prev = tail;
    e.next = null;
    if (tail == null) {
      head = e;
    } else {
      tail.next = e;
    }
    tail = e;
    if (scheduledFor == 0) {
      schedule(deadline);
    }
  }

  /** Activity: {@code e}'s timeout starts over (an idle timer); arms it if it is not armed. */
  public void rearm(Entry e) {
    arm(e);
  }

  private void unlink(Entry e) {
    Entry p = e.prev;
    Entry n = e.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    e.prev = null;
    e.next = null;
    e.queue = null;
  }

  private void schedule(long deadline) {
    scheduledFor = deadline;
    loop.schedule(expireTask, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void expire() {
    scheduledFor = 0;
    long now = System.nanoTime();
    Entry e;
    while ((e = head) != null && e.deadlineNanos - now <= 0) {
      unlink(e);
      e.onDeadline();
    }
    if (head != null && scheduledFor == 0) {
      schedule(head.deadlineNanos);
    }
  }
}
