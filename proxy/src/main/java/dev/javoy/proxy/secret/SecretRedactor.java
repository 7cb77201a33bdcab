package dev.javoy.proxy.secret;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Envoy's {@code MessageUtil::redact} for dumps: every field annotated {@code (udpa.annotations.sensitive)}
 * (a certificate's {@code private_key}, {@code pkcs12} and {@code password}, session ticket {@code keys}, a
 * generic secret's {@code secret}) has its strings and bytes replaced by {@code [redacted]}, recursively; other
 * scalars under it are cleared.
 */
public final class SecretRedactor {
  public static final String REDACTED = "[redacted]";
  private static final ByteString REDACTED_BYTES = ByteString.copyFromUtf8(REDACTED);

  private SecretRedactor() {}

  /** A copy of {@code message} with its sensitive fields redacted. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M redact(M message) {
    Message.Builder b = message.toBuilder();
    redact(b, false);
    return (M) b.build();
  }

  private static void redact(Message.Builder b, boolean sensitiveAncestor) {
    for (Map.Entry<FieldDescriptor, Object> e : b.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      boolean sensitive = sensitiveAncestor || isSensitive(f);
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (f.getMessageType().getFullName().equals("google.protobuf.Any")) {
          if (sensitive) {
            redactAny(b, f); // the packed message is unknown here: keep its type, drop its bytes
          }
          continue;
        }
        if (f.isRepeated()) {
          List<?> items = (List<?>) e.getValue();
          for (int i = 0; i < items.size(); i++) {
            Message.Builder item = ((Message) items.get(i)).toBuilder();
            redact(item, sensitive);
            if (f.isMapField()) {
              restoreMapKey(item, (Message) items.get(i));
            }
            b.setRepeatedField(f, i, item.build());
          }
        } else {
          Message.Builder sub = ((Message) e.getValue()).toBuilder();
          redact(sub, sensitive);
          b.setField(f, sub.build());
        }
      } else if (sensitive) {
        switch (f.getJavaType()) {
          case STRING -> setScalar(b, f, REDACTED);
          case BYTE_STRING -> setScalar(b, f, REDACTED_BYTES);
          default -> b.clearField(f);
        }
      }
    }
  }

  private static boolean isSensitive(FieldDescriptor f) {
    return f.getOptions().getExtension(udpa.annotations.Sensitive.sensitive);
  }

  private static void setScalar(Message.Builder b, FieldDescriptor f, Object value) {
    if (f.isRepeated()) {
      int n = b.getRepeatedFieldCount(f);
      for (int i = 0; i < n; i++) {
        b.setRepeatedField(f, i, value);
      }
    } else {
      b.setField(f, value);
    }
  }

  private static void redactAny(Message.Builder b, FieldDescriptor f) {
    if (f.isRepeated()) {
      int n = b.getRepeatedFieldCount(f);
      for (int i = 0; i < n; i++) {
        com.google.protobuf.Any a = (com.google.protobuf.Any) b.getRepeatedField(f, i);
        b.setRepeatedField(f, i, a.toBuilder().clearValue().build());
      }
    } else {
      com.google.protobuf.Any a = (com.google.protobuf.Any) b.getField(f);
      b.setField(f, a.toBuilder().clearValue().build());
    }
  }

  /** A map entry's key names the entry; only its value is secret. */
  private static void restoreMapKey(Message.Builder entry, Message original) {
    FieldDescriptor key = original.getDescriptorForType().findFieldByName("key");
    if (key != null) {
      entry.setField(key, original.getField(key));
    }
  }
}
