package dev.javoy.proxy.config;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf JSON to and from generated messages through {@code DynamicMessage}s, so that protobuf's reflection on the
 * generated classes is never initialized ({@link MessageDescriptors}): {@code JsonFormat} reads and writes the
 * dynamic message by its descriptor, and the generated message is converted by its own wire code.
 */
public final class DynamicJson {
  private DynamicJson() {}

  /** {@code json} parsed as a message of {@code prototype}'s type; the same as JsonFormat's parser into its builder. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M parse(String json, M prototype, JsonFormat.TypeRegistry registry)
      throws InvalidProtocolBufferException {
    DynamicMessage.Builder parsed = DynamicMessage.newBuilder(MessageDescriptors.of(prototype));
    JsonFormat.parser().usingTypeRegistry(registry).merge(json, parsed);
    return (M) prototype.getParserForType().parseFrom(parsed.build().toByteString());
  }

  /** {@code m} as a {@code DynamicMessage} of the same type (itself when it is one). */
  public static Message dynamic(Message m) throws InvalidProtocolBufferException {
    if (m instanceof DynamicMessage) {
      return m;
    }
    return DynamicMessage.parseFrom(MessageDescriptors.of(m), m.toByteString());
  }

  /** {@code m} printed by {@code printer}, read through a {@code DynamicMessage}. */
  public static String print(JsonFormat.Printer printer, Message m) throws InvalidProtocolBufferException {
    return printer.print(dynamic(m));
  }
}
