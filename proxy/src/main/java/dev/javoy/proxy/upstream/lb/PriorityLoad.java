package dev.javoy.proxy.upstream.lb;

/**
 * How load spreads over priorities, as Envoy's {@code LoadBalancerBase}: each level's health (min(100,
 * overprovisioning × healthy/total)) takes as much of the remaining 100% as it can, in priority order; when the
 * sum of health is below 100 the loads are normalized by it; rounding leftovers go to the first level with load.
 * A level is in panic (its load goes to all its hosts) when the normalized total availability is below 100 and
 * its healthy percentage is below {@code healthy_panic_threshold}; when every level panics, load is spread by
 * host count.
 */
public final class PriorityLoad {
  private final int[] load;
  private final boolean[] panic;
  private final boolean totalPanic;

  private PriorityLoad(int[] load, boolean[] panic, boolean totalPanic) {
    this.load = load;
    this.panic = panic;
    this.totalPanic = totalPanic;
  }

  /** @param panicThresholdPercent {@code healthy_panic_threshold} (default 50; 0 disables panic) */
  public static PriorityLoad compute(PriorityLevel[] levels, double panicThresholdPercent) {
    int n = levels.length;
    int[] load = new int[n];
    boolean[] panic = new boolean[n];
    if (n == 0) {
      return new PriorityLoad(load, panic, false);
    }
    int sumHealth = 0;
    for (PriorityLevel l : levels) {
      sumHealth += l.health();
    }
    int availability = Math.min(100, sumHealth);
    if (availability > 0) {
      int remaining = 100;
      int first = -1;
      for (int i = 0; i < n; i++) {
        load[i] = Math.min(remaining, levels[i].health() * 100 / availability);
        remaining -= load[i];
        if (load[i] > 0 && first < 0) {
          first = i;
        }
      }
      if (remaining > 0) {
        load[first] += remaining;
      }
    }
    if (panicThresholdPercent == 0 && availability == 0) {
      load[0] = 100; // no panic and nothing available: P0 nominally, where no healthy host is found
      return new PriorityLoad(load, panic, false);
    }
    boolean total = true;
    for (int i = 0; i < n; i++) {
      panic[i] = availability < 100 && levels[i].healthyPercent() < panicThresholdPercent;
      total &= panic[i];
    }
    if (total) {
      int hosts = 0;
      for (PriorityLevel l : levels) {
        hosts += l.hosts().length;
      }
      java.util.Arrays.fill(load, 0);
      if (hosts == 0) {
        load[0] = 100;
      } else {
        int remaining = 100;
        int first = -1;
        for (int i = 0; i < n; i++) {
          load[i] = levels[i].hosts().length * 100 / hosts;
          remaining -= load[i];
          if (levels[i].hosts().length > 0 && first < 0) {
            first = i;
          }
        }
        load[first] += remaining;
      }
    }
    return new PriorityLoad(load, panic, total);
  }

  /** The priority for a random value or hash key: ({@code h} mod 100) + 1 against the cumulative loads. */
  public int choose(long h) {
    long v = Long.remainderUnsigned(h, 100) + 1;
    int cumulative = 0;
    for (int i = 0; i < load.length; i++) {
      cumulative += load[i];
      if (v <= cumulative) {
        return i;
      }
    }
    return load.length - 1;
  }

  /** The percentage of requests priority {@code p} takes. */
  public int load(int p) {
    return load[p];
  }

  public boolean panic(int p) {
    return panic[p];
  }

  public boolean totalPanic() {
    return totalPanic;
  }
}
