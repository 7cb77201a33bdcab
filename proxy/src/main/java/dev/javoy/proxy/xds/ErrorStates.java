package dev.javoy.proxy.xds;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import java.io.IOException;
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
          String unprintable = unprintable(failed);
          if (unprintable == null) {
            s.setFailedConfiguration(dev.javoy.proxy.config.TypedConfigs.pack(failed));
          } else {
            // /config_dump could not print it (an Any of a type javoy does not have), and must not fail for it
            s.setDetails(details + " (failed_configuration not shown: " + unprintable + ")");
          }
        }
        byName.put(name, s.build());
      });
    }
  }

  /** Why {@code /config_dump} could not print {@code m} as JSON, or null when it can. */
  private static String unprintable(Message m) {
    try {
      // through a DynamicMessage: no reflection on the generated classes (MessageDescriptors)
      JsonFormat.printer().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry())
          .appendTo(dev.javoy.proxy.config.DynamicJson.dynamic(m), NullAppendable.INSTANCE);
      return null;
    } catch (IOException | RuntimeException e) {
      return e.getMessage();
    }
  }

  private static final class NullAppendable implements Appendable {
    static final NullAppendable INSTANCE = new NullAppendable();

    @Override
    public Appendable append(CharSequence csq) {
      return this;
    }

    @Override
    public Appendable append(CharSequence csq, int start, int end) {
      return this;
    }

    @Override
    public Appendable append(char c) {
      return this;
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
