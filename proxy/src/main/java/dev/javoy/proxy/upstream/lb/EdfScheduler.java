package dev.javoy.proxy.upstream.lb;

/**
 * Earliest-deadline-first scheduling over item indexes, as Envoy's weighted round robin and locality picking:
 * an item of weight w is due every 1/w; picking the earliest deadline interleaves items smoothly in proportion
 * to their weights. Ties go to the item added first. Array-backed binary heap: no allocation per pick. Owned by
 * one worker.
 */
final class EdfScheduler {
  private final double[] deadline;
  private final long[] order;
  private final int[] item;
  private int size;
  private double now;
  private long nextOrder;

  EdfScheduler(int capacity) {
    deadline = new double[capacity];
    order = new long[capacity];
    item = new int[capacity];
  }

  int size() {
    return size;
  }

  /** Schedules {@code index} with {@code weight} (> 0) from the current time. */
  void add(int index, double weight) {
    int i = size++;
    deadline[i] = now + 1.0 / weight;
    order[i] = nextOrder++;
    item[i] = index;
    siftUp(i);
  }

  /** Removes and returns the item with the earliest deadline (time advances to it); -1 when empty. */
  int pick() {
    if (size == 0) {
      return -1;
    }
    int top = item[0];
    now = deadline[0];
    size--;
    if (size > 0) {
      move(size, 0);
      siftDown(0);
    }
    return top;
  }

  private boolean less(int a, int b) {
    return deadline[a] < deadline[b] || (deadline[a] == deadline[b] && order[a] < order[b]);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(i, parent)) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int r = l + 1;
      int m = r < size && less(r, l) ? r : l;
      if (!less(m, i)) {
        return;
      }
      swap(i, m);
      i = m;
    }
  }

  private void move(int from, int to) {
    deadline[to] = deadline[from];
    order[to] = order[from];
    item[to] = item[from];
  }

  private void swap(int a, int b) {
    double d = deadline[a];
    deadline[a] = deadline[b];
    deadline[b] = d;
    long o = order[a];
    order[a] = order[b];
    order[b] = o;
    int t = item[a];
    item[a] = item[b];
    item[b] = t;
  }
}
