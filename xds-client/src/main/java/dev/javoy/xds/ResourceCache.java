package dev.javoy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The resources of one type that are in force (accepted), the last rejected update of each resource
 * (Envoy's {@code error_state}), and the names whose initial fetch timed out.
 */
final class ResourceCache<T extends Message> {
  /** An accepted resource. */
  record Entry<T extends Message>(T value, Any raw, String version, Instant updated) {}

  private final Map<String, Entry<T>> accepted = new TreeMap<>();
  private final Map<String, UpdateFailureState> failures = new TreeMap<>();
  private final Set<String> doesNotExist = new HashSet<>();
  private final Set<String> unnamedFailures = new HashSet<>();

  Entry<T> get(String name) {
    return accepted.get(name);
  }

  boolean contains(String name) {
    return accepted.containsKey(name);
  }

  /** Accepted resources by name, sorted. */
  Map<String, Entry<T>> accepted() {
    return accepted;
  }

  /** Whether this decoded resource differs from the one in force (or none is). */
  boolean isChange(DecodedResource<T> resource) {
    Entry<T> current = accepted.get(resource.name());
    return current == null || !current.raw().equals(resource.raw());
  }

  void accept(DecodedResource<T> resource, Instant now) {
    accepted.put(resource.name(), new Entry<>(resource.value(), resource.raw(), resource.version(), now));
    failures.remove(resource.name());
    doesNotExist.remove(resource.name());
  }

  /**
   * Records the failure of a resource whose name could not be read, under its position; it is forgotten
   * with the next response ({@link #clearUnnamedFailures()}), positions meaning nothing across responses.
   */
  void recordUnnamedFailure(String position, Any failed, String details, String version, Instant now) {
    recordFailure(position, failed, details, version, now);
    unnamedFailures.add(position);
  }

  void clearUnnamedFailures() {
    failures.keySet().removeAll(unnamedFailures);
    unnamedFailures.clear();
  }

  void recordFailure(String name, Any failed, String details, String version, Instant now) {
    UpdateFailureState.Builder state = UpdateFailureState.newBuilder()
        .setLastUpdateAttempt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setDetails(details)
        .setVersionInfo(version);
    if (failed != null) {
      state.setFailedConfiguration(failed);
    }
    failures.put(name, state.build());
  }

  UpdateFailureState failure(String name) {
    return failures.get(name);
  }

  Set<String> failedNames() {
    return failures.keySet();
  }

  void markDoesNotExist(String name) {
    doesNotExist.add(name);
  }

  boolean isKnownMissing(String name) {
    return doesNotExist.contains(name);
  }

  /** Forgets a resource entirely (removed by the server). */
  void remove(String name) {
    accepted.remove(name);
    failures.remove(name);
  }

  /** Forgets everything not wanted any more (after an unsubscription). */
  void retainOnly(Predicate<String> wanted) {
    accepted.keySet().removeIf(wanted.negate());
    failures.keySet().removeIf(wanted.negate());
    doesNotExist.removeIf(wanted.negate());
  }

  /** The accepted resources' versions, for a delta stream's {@code initial_resource_versions}. */
  Map<String, String> versions() {
    Map<String, String> versions = new TreeMap<>();
    accepted.forEach((name, entry) -> versions.put(name, entry.version()));
    return versions;
  }
}
