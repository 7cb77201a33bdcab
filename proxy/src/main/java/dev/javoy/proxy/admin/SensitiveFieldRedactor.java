package dev.javoy.proxy.admin;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Map;
import udpa.annotations.Sensitive;

/**
 * Redacts fields annotated {@code [(udpa.annotations.sensitive) = true]} (private keys, HMAC secrets,
 * tokens) before a config dump is shown, as Envoy's {@code MessageUtil::redact}: string and bytes values
 * inside a sensitive field become {@code [redacted]}, other scalar values are cleared. Messages are walked
 * recursively, including those packed in {@code Any} fields whose type the registry knows.
 */
final class SensitiveFieldRedactor {
  static final String REDACTED = "[redacted]";

  private final JsonFormat.TypeRegistry registry;

  SensitiveFieldRedactor(JsonFormat.TypeRegistry registry) {
    this.registry = registry;
  }

  Message redact(Message message) {
    return redact(message, false);
  }

  private Message redact(Message message, boolean sensitiveAncestor) {
    if (AnyMessages.isAny(message.getDescriptorForType())) {
      return redactAny(AnyMessages.asAny(message), sensitiveAncestor);
    }
    Message.Builder b = null;
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      boolean sensitive = sensitiveAncestor || f.getOptions().getExtension(Sensitive.sensitive);
      Object value = e.getValue();
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (f.isRepeated()) {
          List<?> items = (List<?>) value;
          for (int i = 0; i < items.size(); i++) {
            Message item = (Message) items.get(i);
            Message redacted = redact(item, sensitive);
            if (redacted != item) {
              b = b == null ? message.toBuilder() : b;
              b.setRepeatedField(f, i, redacted);
            }
          }
        } else {
          Message redacted = redact((Message) value, sensitive);
          if (redacted != value) {
            b = b == null ? message.toBuilder() : b;
            b.setField(f, redacted);
          }
        }
      } else if (sensitive) {
        b = b == null ? message.toBuilder() : b;
        redactScalar(b, f);
      }
    }
    return b == null ? message : b.build();
  }

  private static void redactScalar(Message.Builder b, FieldDescriptor f) {
    Object replacement = switch (f.getJavaType()) {
      case STRING -> REDACTED;
      case BYTE_STRING -> ByteString.copyFromUtf8(REDACTED);
      default -> null;
    };
    if (replacement == null) {
      b.clearField(f);
    } else if (f.isRepeated()) {
      for (int i = 0; i < b.getRepeatedFieldCount(f); i++) {
        b.setRepeatedField(f, i, replacement);
      }
    } else {
      b.setField(f, replacement);
    }
  }

  private Message redactAny(Any any, boolean sensitiveAncestor) {
    Descriptor type = AnyMessages.typeOf(registry, any.getTypeUrl());
    if (type == null) {
      return any; // unknown type: printing it fails later with a clear message
    }
    try {
      DynamicMessage inner = DynamicMessage.parseFrom(type, any.getValue());
      Message redacted = redact(inner, sensitiveAncestor);
      if (redacted == inner) {
        return any;
      }
      return Any.newBuilder().setTypeUrl(any.getTypeUrl()).setValue(redacted.toByteString()).build();
    } catch (InvalidProtocolBufferException e) {
      return any;
    }
  }
}
