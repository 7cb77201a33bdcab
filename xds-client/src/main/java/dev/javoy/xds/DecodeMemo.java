package dev.javoy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;

/**
 * The resources of a type's last state-of-the-world response, by position, with their parsed values: a
 * resource that comes again unchanged at the same position (a server resends every resource of a type when
 * any of them changes) is not parsed again, and keeps its earlier {@code Any}, so the cache sees it unchanged
 * by identity. Confined to the client's event loop.
 */
final class DecodeMemo<T extends Message> {
  private Any[] raw = new Any[0];
  private Object[] values = new Object[0];
  private Any[] nextRaw;
  private Object[] nextValues;

  void begin(int size) {
    nextRaw = new Any[size];
    nextValues = new Object[size];
  }

  /** The earlier {@code Any} equal to {@code any} at {@code index}, or null. */
  Any previous(int index, Any any) {
    if (index < raw.length) {
      Any old = raw[index];
      if (old != null && (old == any || old.getValue().equals(any.getValue()) && old.getTypeUrl().equals(any.getTypeUrl()))) {
        return old;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  T value(int index) {
    return (T) values[index];
  }

  void record(int index, Any any, T value) {
    nextRaw[index] = any;
    nextValues[index] = value;
  }

  void end() {
    raw = nextRaw;
    values = nextValues;
    nextRaw = null;
    nextValues = null;
  }
}
