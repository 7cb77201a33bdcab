package dev.javoy.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The xDS wildcard rules of state-of-the-world {@code resource_names}. */
class SotwResourceNamesTest {
  private static Interest interest(boolean wildcard, String... names) {
    return new Interest(wildcard, new TreeSet<>(List.of(names)));
  }

  @Test
  void aLoneWildcardIsTheLegacyEmptyListUntilNamesWereSent() {
    assertEquals(List.of(), SotwStream.resourceNames(interest(true), false, false));
    assertEquals(List.of(), SotwStream.resourceNames(interest(true), true, false));
    assertEquals(List.of("*"), SotwStream.resourceNames(interest(true), true, true));
  }

  @Test
  void wildcardWithNamesIsExplicit() {
    assertEquals(List.of("*", "a", "b"), SotwStream.resourceNames(interest(true, "b", "a"), false, false));
  }

  @Test
  void namesAreSortedAndAnEmptyListUnsubscribesOnlyAfterExplicitNames() {
    assertEquals(List.of("a", "b"), SotwStream.resourceNames(interest(false, "b", "a"), false, false));
    assertEquals(List.of(), SotwStream.resourceNames(interest(false), true, true));
    assertNull(SotwStream.resourceNames(interest(false), false, false), "nothing to say");
    assertNull(SotwStream.resourceNames(interest(false), true, false), "the legacy wildcard cannot be withdrawn");
  }
}
