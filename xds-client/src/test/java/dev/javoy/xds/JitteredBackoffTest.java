package dev.javoy.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitteredBackoffTest {
  /** With the random source returning the top of its range, the delays show the intervals. */
  @Test
  void intervalsDoubleUpToTheMaximumAndResetToTheBase() {
    List<Long> bounds = new ArrayList<>();
    JitteredBackoff backoff = new JitteredBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), bound -> {
      bounds.add(bound);
      return bound - 1;
    });
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      delays.add(backoff.nextDelayMillis());
    }
    assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L), bounds);
    assertEquals(499L, delays.get(0));
    assertEquals(29999L, delays.get(8));
    backoff.reset();
    backoff.nextDelayMillis();
    assertEquals(500L, bounds.get(bounds.size() - 1));
  }

  @Test
  void delaysAreUniformlyJitteredBelowTheInterval() {
    JitteredBackoff backoff = new JitteredBackoff(Duration.ofMillis(500), Duration.ofSeconds(30),
        bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound));
    for (int i = 0; i < 20; i++) {
      long delay = backoff.nextDelayMillis();
      long interval = Math.min(500L << i, 30000L);
      assertEquals(true, delay >= 0 && delay < interval, delay + " in [0, " + interval + ")");
    }
  }
}
