package dev.javoy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The resources of one response after unpacking: those that could be decoded, and the problems of those
 * that could not (which the client rejects itself, before any subscriber sees them).
 */
final class DecodedResponse<T extends Message> {
  final Map<String, DecodedResource<T>> resources = new LinkedHashMap<>();
  /** Problems by resource name (or by position when the name could not be read). */
  final Rejections problems = new Rejections();
  /** The packed form of resources that failed, for {@code error_state.failed_configuration}. */
  final Map<String, Any> failedRaw = new LinkedHashMap<>();
  /** Names present only as TTL heartbeats (a {@code Resource} without a body): neither new nor removed. */
  final Set<String> heartbeats = new LinkedHashSet<>();

  /**
   * Positions ({@code resources[i]}) of resources that failed before their name could be read; while there
   * are any, absence from this response proves nothing.
   */
  final Set<String> unnamedFailures = new LinkedHashSet<>();

  void failUnnamed(String position, Any raw, String problem) {
    unnamedFailures.add(position);
    fail(position, raw, problem);
  }

  void fail(String name, Any raw, String problem) {
    problems.add(name, problem);
    if (raw != null) {
      failedRaw.put(name, raw);
    }
  }

  /** Whether the response mentions this name at all (valid, failed or heartbeat). */
  boolean mentions(String name) {
    return resources.containsKey(name) || problems.contains(name) || heartbeats.contains(name);
  }
}
