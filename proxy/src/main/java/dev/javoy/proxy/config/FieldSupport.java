package dev.javoy.proxy.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Set;

/**
 * Guards against silently ignoring config: every field set in a message must be one javoy implements (or one
 * Envoy itself ignores). A field outside the list is an error naming its JSON path and the message type.
 */
public final class FieldSupport {
  private FieldSupport() {}

  /**
   * Fails on the lowest-numbered field set in {@code m} that {@code supported} does not name. Only the
   * unsupported fields are looked at (no map of all set fields is built): most config sets none of them.
   */
  public static void check(Message m, String path, Set<String> supported) throws ConfigException {
    FieldDescriptor first = firstUnsupported(m, supported);
    if (first != null) {
      throw new ConfigException(join(path, first.getName()), "field not supported by javoy yet (in "
          + m.getDescriptorForType().getFullName() + ")");
    }
  }

  /** The lowest-numbered field set in {@code m} that {@code supported} does not name, or null. */
  public static FieldDescriptor firstUnsupported(Message m, Set<String> supported) {
    FieldDescriptor first = null;
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (supported.contains(f.getName()) || (first != null && f.getNumber() > first.getNumber())) {
        continue;
      }
      if (f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f)) {
        first = f;
      }
    }
    return first;
  }

  public static String join(String path, String field) {
    return path == null || path.isEmpty() ? field : path + "." + field;
  }

  public static String index(String path, String field, int i) {
    return join(path, field) + "[" + i + "]";
  }
}
