package dev.javoy.proxy.http.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A RouterFilter is reused for later streams ({@link RouterFilter#recycle}): every per-stream field must be cleared
 * there, or be one that makes the filter not reusable. This inventory fails when a field is added, so that whoever
 * adds it decides which it is (and updates recycle()).
 */
class RouterFilterRecycleTest {
  /** Fixed for the filter's life (config, callbacks, the stream info object, holders and tasks made once). */
  private static final Set<String> FINAL = Set.of("config", "callbacks", "info", "timeouts", "retryAttemptTask",
      "perTryTimeoutTask");
  /** Cleared by recycle(). */
  private static final Set<String> CLEARED = Set.of("cluster", "host", "pool", "upstream", "request", "upgrade",
      "route", "target", "replyHeaders", "routeTimers", "timeoutMillis", "requestEnded", "responseStarted", "done",
      "timeout", "upstreamStartNanos", "requestHash", "retry", "perTryMillis", "perTryTimer");
  /**
   * Checked by recycle() (must be in their initial state, or the filter is not reused): reusable, waitingForPool,
   * holdsRequestSlot, pendingBody (kept, empty); shadows and tunnel make it not reusable.
   */
  private static final Set<String> CHECKED = Set.of("reusable", "waitingForPool", "holdsRequestSlot", "pendingBody",
      "shadows", "tunnel", "lastTimeoutQueue" /* a cache kept on purpose: the loop's queue for the last timeout */);

  @Test
  void everyFieldIsAccountedFor() {
    Set<String> fields = new TreeSet<>();
    Set<String> finals = new TreeSet<>();
    for (Field f : RouterFilter.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      (Modifier.isFinal(f.getModifiers()) ? finals : fields).add(f.getName());
    }
    assertEquals(new TreeSet<>(FINAL), finals, "final fields");
    Set<String> known = new TreeSet<>(CLEARED);
    known.addAll(CHECKED);
    assertEquals(known, fields, "per-stream fields: add a new one to recycle() and to this test");
  }
}
