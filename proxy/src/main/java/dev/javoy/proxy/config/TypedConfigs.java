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
      String json = JsonFormat.printer().usingTypeRegistry(registry).print(inner.value);
      Message.Builder b = prototype.newBuilderForType();
      JsonFormat.parser().usingTypeRegistry(registry).merge(json, b);
      return b.build();
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "cannot parse " + any.getTypeUrl() + " as "
          + prototype.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
    }
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
