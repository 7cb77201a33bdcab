package dev.javoy.proxy.config;

import com.google.protobuf.Descriptors.Descriptor;
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
   * unsupported fields are looked at (no map of all set fields is built): most config sets none of them. A
   * generated message is read through its wire form and its class's static descriptor ({@link WireFields},
   * {@link MessageDescriptors}), never through protobuf's reflection.
   */
  public static void check(Message m, String path, Set<String> supported) throws ConfigException {
    FieldDescriptor first = firstUnsupported(m, supported);
    if (first != null) {
      throw new ConfigException(join(path, first.getName()), "field not supported by javoy yet (in "
          + first.getContainingType().getFullName() + ")");
    }
  }

  /** The lowest-numbered field set in {@code m} that {@code supported} does not name, or null. */
  public static FieldDescriptor firstUnsupported(Message m, Set<String> supported) {
    Unsupported u = unsupportedFields(MessageDescriptors.of(m), supported);
    int i = WireFields.firstSet(m, u.numbers());
    return i < 0 ? null : u.fields()[i];
  }

  /** A message type's fields outside one supported set, by number; the last set asked for is remembered. */
  private record Unsupported(Set<String> supported, FieldDescriptor[] fields, int[] numbers) {}

  private static final java.util.Map<Descriptor, Unsupported> UNSUPPORTED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Unsupported unsupportedFields(Descriptor type, Set<String> supported) {
    Unsupported u = UNSUPPORTED.get(type);
    if (u != null && (u.supported() == supported || u.supported().equals(supported))) {
      return u;
    }
    java.util.List<FieldDescriptor> out = new java.util.ArrayList<>();
    for (FieldDescriptor f : type.getFields()) {
      if (!supported.contains(f.getName())) {
        out.add(f);
      }
    }
    out.sort(java.util.Comparator.comparingInt(FieldDescriptor::getNumber));
    FieldDescriptor[] fields = out.toArray(new FieldDescriptor[0]);
    int[] numbers = new int[fields.length];
    for (int i = 0; i < fields.length; i++) {
      numbers[i] = fields[i].getNumber();
    }
    u = new Unsupported(supported, fields, numbers);
    UNSUPPORTED.put(type, u);
    return u;
  }

  public static String join(String path, String field) {
    return path == null || path.isEmpty() ? field : path + "." + field;
  }

  public static String index(String path, String field, int i) {
    return join(path, field) + "[" + i + "]";
  }
}
