package dev.javoy.proxy.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.GeneratedMessageV3;
import com.google.protobuf.Message;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A message's descriptor without protobuf's reflection. A generated message's {@code getDescriptorForType()} goes
 * through its {@code FieldAccessorTable}, and the first call initializes that table: a
 * {@code java.lang.reflect.Method} for every accessor of every field, the class's public methods looked up and their
 * names interned (≈ 20,000 {@code Method}s and 2 MiB of live heap for an Istio-sized config). The generated class's
 * static {@code getDescriptor()} returns the same descriptor from the file's descriptor alone; it is found once per
 * class with a method handle (no {@code Method} objects).
 */
public final class MessageDescriptors {
  private static final MethodType GET_DESCRIPTOR = MethodType.methodType(Descriptor.class);

  private static final ClassValue<Descriptor> BY_CLASS = new ClassValue<>() {
    @Override
    protected Descriptor computeValue(Class<?> type) {
      try {
        MethodHandle h = MethodHandles.publicLookup().findStatic(type, "getDescriptor", GET_DESCRIPTOR);
        return (Descriptor) h.invokeExact();
      } catch (Throwable e) {
        return null;
      }
    }
  };

  private MessageDescriptors() {}

  /** {@code m}'s type; the same as {@code m.getDescriptorForType()}. */
  public static Descriptor of(Message m) {
    if (m instanceof GeneratedMessageV3) {
      Descriptor d = BY_CLASS.get(m.getClass());
      if (d != null) {
        return d;
      }
    }
    return m.getDescriptorForType(); // DynamicMessage, MapEntry: no reflection
  }

  /** The type of the messages {@code builder} builds; the same as {@code builder.getDescriptorForType()}. */
  public static Descriptor of(Message.Builder builder) {
    if (builder instanceof GeneratedMessageV3.Builder) {
      Descriptor d = BY_CLASS.get(builder.getClass());
      if (d != null) {
        return d;
      }
    }
    return builder.getDescriptorForType();
  }
}
