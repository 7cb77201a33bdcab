package dev.javoy.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Envoy's {@code error_state} of the resources of one type whose last update was rejected
 * ({@code failed_configuration}, {@code last_update_attempt}, {@code details}, {@code version_info}), for
 * {@code /config_dump}; cleared by the next accepted update of the resource or its removal. Main thread.
 */
public final class ErrorStates {
  private final Map<String, UpdateFailureState> byName = new LinkedHashMap<>();

  /** Records the outcome of one update: {@code rejected} (by name) failed, the rest of {@code changed} applied. */
  <T extends Message> void record(Map<String, T> changed, Set<String> removed, Map<String, String> rejected,
      String version) {
    long now = System.currentTimeMillis();
    for (String name : changed.keySet()) {
      if (rejected == null || !rejected.containsKey(name)) {
        byName.remove(name);
      }
    }
    removed.forEach(byName::remove);
    if (rejected != null) {
      rejected.forEach((name, details) -> {
        UpdateFailureState.Builder s = UpdateFailureState.newBuilder()
            .setLastUpdateAttempt(Timestamps.fromMillis(now))
            .setDetails(details)
            .setVersionInfo(version == null ? "" : version);
        T failed = changed.get(name);
        if (failed != null) {
          s.setFailedConfiguration(Any.pack(failed));
        }
        byName.put(name, s.build());
      });
    }
  }

  /** The rejected update of {@code name}, or null. */
  public UpdateFailureState get(String name) {
    return byName.get(name);
  }

  /** Every resource whose last update was rejected, by name. */
  public Map<String, UpdateFailureState> all() {
    return Map.copyOf(byName);
  }
}
