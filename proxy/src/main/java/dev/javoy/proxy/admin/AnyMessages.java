package dev.javoy.proxy.admin;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Helpers for {@code google.protobuf.Any} values met while walking config dumps reflectively, where an
 * {@code Any} may be the generated class or a {@code DynamicMessage} of the same type.
 */
final class AnyMessages {
  private static final String ANY = Any.getDescriptor().getFullName();

  private AnyMessages() {}

  static boolean isAny(Descriptor type) {
    return type.getFullName().equals(ANY);
  }

  /** Whether {@code f} is a singular {@code Any} field. */
  static boolean isSingularAny(FieldDescriptor f) {
    return !f.isRepeated() && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && isAny(f.getMessageType());
  }

  /** {@code m} (an {@code Any} of either kind) as the generated {@code Any}. */
  static Any asAny(Message m) {
    if (m instanceof Any any) {
      return any;
    }
    try {
      return Any.parseFrom(m.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an Any: " + m.getDescriptorForType().getFullName(), e);
    }
  }

  /** The message type an {@code Any} type URL names, or null when the registry does not know it. */
  static Descriptor typeOf(JsonFormat.TypeRegistry registry, String typeUrl) {
    return registry.find(typeUrl.substring(typeUrl.lastIndexOf('/') + 1));
  }
}
