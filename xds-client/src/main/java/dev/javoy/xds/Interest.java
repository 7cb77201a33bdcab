package dev.javoy.xds;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedSet;

/**
 * What a type is subscribed to right now: possibly the wildcard, and explicitly named resources.
 *
 * @param wildcard whether {@link ResourceType#WILDCARD} is subscribed
 * @param names the explicitly named resources, sorted
 */
record Interest(boolean wildcard, SortedSet<String> names) {

  boolean isEmpty() {
    return !wildcard && names.isEmpty();
  }

  /** Whether only the wildcard is subscribed (what the legacy empty-list request means). */
  boolean isWildcardOnly() {
    return wildcard && names.isEmpty();
  }

  /** The names as sent on the wire, {@code "*"} first when subscribed. */
  Set<String> resourceNames() {
    if (!wildcard) {
      return Collections.unmodifiableSet(names);
    }
    Set<String> all = new LinkedHashSet<>();
    all.add(ResourceType.WILDCARD);
    all.addAll(names);
    return all;
  }
}
