package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void versionFourUuidsThatDiffer() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RequestIds.newUuid().toString();
      assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
      UUID u = UUID.fromString(id);
      assertEquals(4, u.version());
      assertEquals(2, u.variant());
      assertEquals(id, u.toString()); // every digit where the JDK puts it
      assertTrue(seen.add(id), "repeated " + id);
    }
  }
}
