package dev.javoy.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;

/**
 * Unpacks an extension's {@code typed_config}: a plain {@code Any}, or an {@code Any} holding a
 * {@code udpa.type.v1.TypedStruct} / {@code xds.type.v3.TypedStruct} whose {@code value} is the config as JSON.
 */
public final class TypedConfigs {
  public static final String UDPA_TYPED_STRUCT = "type.googleapis.com/udpa.type.v1.TypedStruct";
  public static final String XDS_TYPED_STRUCT = "type.googleapis.com/xds.type.v3.TypedStruct";

  private TypedConfigs() {}

  public static boolean isTypedStruct(Any any) {
    return any.getTypeUrl().equals(UDPA_TYPED_STRUCT) || any.getTypeUrl().equals(XDS_TYPED_STRUCT);
  }

  /** The type URL of the config inside {@code any}, looking through a TypedStruct. */
  public static String typeUrlOf(Any any, String path) throws ConfigException {
    if (!isTypedStruct(any)) {
      return any.getTypeUrl();
    }
    return typedStruct(any, path).typeUrl;
  }

  /** Unpacks {@code any} into a message of {@code prototype}'s type. */
  public static Message unpack(Any any, Message prototype, String path, JsonFormat.TypeRegistry registry)
      throws ConfigException {
    try {
      if (!isTypedStruct(any)) {
        return prototype.getParserForType().parseFrom(any.getValue());
      }
      Inner inner = typedStruct(any, path);
      String json = DynamicJson.print(JsonFormat.printer().usingTypeRegistry(registry), inner.value);
      return DynamicJson.parse(json, prototype, registry);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "cannot parse " + any.getTypeUrl() + " as "
          + MessageDescriptors.of(prototype).getFullName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code any} parsed as {@code prototype}'s type: {@code Any.unpack(Class)} without its reflection (it finds the
   * class's default instance by reflection and compares type names through {@code getDescriptorForType()}).
   */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M unpackExactly(Any any, M prototype) throws InvalidProtocolBufferException {
    String url = any.getTypeUrl();
    int slash = url.lastIndexOf('/');
    String name = slash < 0 ? "" : url.substring(slash + 1);
    if (!name.equals(dev.javoy.proxy.extension.ProtoTypeNames.fullName(prototype))) {
      throw new InvalidProtocolBufferException("Type of the Any message does not match the given class.");
    }
    return (M) prototype.getParserForType().parseFrom(any.getValue());
  }

  /** {@code Any.pack(m)} without reflection (it names the type through {@code getDescriptorForType()}). */
  public static Any pack(Message m) {
    return Any.newBuilder().setTypeUrl(dev.javoy.proxy.extension.ProtoTypeNames.typeUrl(m))
        .setValue(m.toByteString()).build();
  }

  private record Inner(String typeUrl, Struct value) {}

  private static Inner typedStruct(Any any, String path) throws ConfigException {
    try {
      if (any.getTypeUrl().equals(UDPA_TYPED_STRUCT)) {
        com.github.udpa.udpa.type.v1.TypedStruct t =
            com.github.udpa.udpa.type.v1.TypedStruct.parseFrom(any.getValue());
        return new Inner(t.getTypeUrl(), t.getValue());
      }
      com.github.xds.type.v3.TypedStruct t = com.github.xds.type.v3.TypedStruct.parseFrom(any.getValue());
      return new Inner(t.getTypeUrl(), t.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "malformed TypedStruct: " + e.getMessage(), e);
    }
  }
}
