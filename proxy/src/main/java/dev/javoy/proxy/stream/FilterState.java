package dev.javoy.proxy.stream;

import java.util.HashMap;
import java.util.Map;

/**
 * Named objects filters leave for later filters, access logs and stats (Envoy's {@code FilterState}), such as
 * Istio's {@code downstream_peer}/{@code upstream_peer} or the gRPC stats filter's message counts. Lives on the
 * worker thread of its stream or connection; allocated only when a filter first stores something.
 */
public final class FilterState {
  /**
   * An object access logs can print ({@code %FILTER_STATE(KEY:PLAIN)%} and {@code %FILTER_STATE(KEY:TYPED)%}), as
   * Envoy's {@code serializeAsString} and {@code serializeAsProto}.
   */
  public interface Printable {
    /** {@code PLAIN}: the object's own text, or null when it has none. */
    String plain();

    /** {@code TYPED}: the object's protobuf form as JSON, or null when it has none. */
    String typedJson();
  }

  private final Map<String, Object> objects = new HashMap<>(4);

  public void set(String name, Object value) {
    objects.put(name, value);
  }

  /** The object stored under {@code name}, or null. */
  public Object get(String name) {
    return objects.get(name);
  }

  /** The object stored under {@code name} if it is a {@code type}, else null. */
  public <T> T get(String name, Class<T> type) {
    Object o = objects.get(name);
    return type.isInstance(o) ? type.cast(o) : null;
  }

  public boolean has(String name) {
    return objects.containsKey(name);
  }
}
