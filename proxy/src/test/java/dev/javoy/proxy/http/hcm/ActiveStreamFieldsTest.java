package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * An ActiveStream object is reused for a later stream of its worker ({@link ActiveStream#open}): every per-stream
 * field must be set again by {@code reopen}. This inventory fails when a field is added, so that whoever adds it
 * clears it there too.
 */
class ActiveStreamFieldsTest {
  private static final Set<String> FINAL = Set.of("config", "chain", "info");
  /** Set by reopen()/begin(). */
  private static final Set<String> REOPENED = Set.of("connection", "filters", "request", "headersEndStream", "route",
      "routeResolved", "headerStop", "dataHold", "heldData", "requestComplete", "responseStarted",
      "responseComplete", "destroyed", "idleTimer", "requestTimer", "tracing");

  @Test
  void everyFieldIsAccountedFor() {
    Set<String> fields = new TreeSet<>();
    Set<String> finals = new TreeSet<>();
    for (Field f : ActiveStream.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      (Modifier.isFinal(f.getModifiers()) ? finals : fields).add(f.getName());
    }
    assertEquals(new TreeSet<>(FINAL), finals, "final fields");
    assertEquals(new TreeSet<>(REOPENED), fields, "per-stream fields: set a new one in reopen() and add it here");
  }
}
