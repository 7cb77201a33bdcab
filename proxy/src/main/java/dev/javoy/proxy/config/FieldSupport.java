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

  public static void check(Message m, String path, Set<String> supported) throws ConfigException {
    for (FieldDescriptor f : m.getAllFields().keySet()) {
      if (!supported.contains(f.getName())) {
        throw new ConfigException(join(path, f.getName()), "field not supported by javoy yet (in "
            + m.getDescriptorForType().getFullName() + ")");
      }
    }
  }

  public static String join(String path, String field) {
    return path == null || path.isEmpty() ? field : path + "." + field;
  }

  public static String index(String path, String field, int i) {
    return join(path, field) + "[" + i + "]";
  }
}
