package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.text.ParseException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The well-known types whose JSON form is not an object of their fields: Duration ({@code "1.5s"}), Timestamp,
 * FieldMask, the wrappers (a bare scalar), and the free-form Struct / Value / ListValue. Also enum values, given
 * as names or numbers.
 */
final class WellKnownJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> WRAPPERS = Set.of(
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
      "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue");
  private static final Set<String> OTHERS = Set.of(
      "google.protobuf.Duration", "google.protobuf.Timestamp", "google.protobuf.FieldMask",
      "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue");

  private WellKnownJson() {}

  static boolean isSpecial(Descriptor type) {
    String name = type.getFullName();
    return WRAPPERS.contains(name) || OTHERS.contains(name);
  }

  /** Checks {@code node} as the JSON of well-known {@code type}; returns the canonical node. */
  static JsonNode check(JsonNode node, Descriptor type, String path) throws ConfigException {
    if (node.isNull()) {
      return node;
    }
    String name = type.getFullName();
    if (WRAPPERS.contains(name)) {
      return wrapper(node, type, path);
    }
    switch (name) {
      case "google.protobuf.Duration" -> {
        try {
          Durations.parse(node.isTextual() ? node.asText() : "");
          return NODES.textNode(node.asText());
        } catch (ParseException | RuntimeException e) {
          throw ProtoJsonChecker.typeError(path, node, "a duration such as \"1.5s\"");
        }
      }
      case "google.protobuf.Timestamp" -> {
        try {
          Timestamps.parse(node.isTextual() ? node.asText() : "");
          return NODES.textNode(node.asText());
        } catch (ParseException | RuntimeException e) {
          throw ProtoJsonChecker.typeError(path, node, "an RFC 3339 timestamp");
        }
      }
      case "google.protobuf.FieldMask" -> {
        if (!node.isTextual()) {
          throw ProtoJsonChecker.typeError(path, node, "a field mask string");
        }
        return node;
      }
      case "google.protobuf.Struct" -> {
        if (!node.isObject()) {
          throw ProtoJsonChecker.typeError(path, node, "an object (google.protobuf.Struct)");
        }
        return JsonScalars.freeForm(node);
      }
      case "google.protobuf.ListValue" -> {
        if (!node.isArray()) {
          throw ProtoJsonChecker.typeError(path, node, "a list (google.protobuf.ListValue)");
        }
        return JsonScalars.freeForm(node);
      }
      default -> {
        return JsonScalars.freeForm(node);
      }
    }
  }

  /** A wrapper is its bare value ({@code 5}, not {@code {value: 5}}); the object form is accepted too. */
  private static JsonNode wrapper(JsonNode node, Descriptor type, String path) throws ConfigException {
    JsonNode value = node.isObject() && node.size() == 1 && node.has("value") ? node.get("value") : node;
    FieldDescriptor field = type.findFieldByName("value");
    JsonNode result = switch (field.getJavaType()) {
      case STRING -> JsonScalars.string(value);
      case BOOLEAN -> JsonScalars.bool(value);
      case INT, LONG -> JsonScalars.integer(value, field.getType());
      case FLOAT, DOUBLE -> JsonScalars.floating(value);
      case BYTE_STRING -> JsonScalars.bytes(value);
      default -> null;
    };
    if (result == null) {
      String expected = switch (field.getJavaType()) {
        case STRING -> "a string";
        case BOOLEAN -> "a boolean";
        case INT, LONG -> "an integer (" + field.getType().name().toLowerCase() + ")";
        case BYTE_STRING -> "base64-encoded bytes";
        default -> "a number";
      };
      throw ProtoJsonChecker.typeError(path, value, expected + " (" + type.getFullName() + ")");
    }
    return result;
  }

  /** An enum value by name, or by number; null when neither. */
  static JsonNode enumValue(JsonNode node, EnumDescriptor type) {
    if (node.isTextual()) {
      String text = node.asText();
      if (type.findValueByName(text) != null) {
        return NODES.textNode(text);
      }
      JsonNode number = JsonScalars.integer(node, FieldDescriptor.Type.INT32);
      return number;
    }
    return node.isIntegralNumber() ? JsonScalars.integer(node, FieldDescriptor.Type.INT32) : null;
  }

  static String enumNames(EnumDescriptor type) {
    List<EnumValueDescriptor> values = type.getValues();
    String names = values.stream().limit(12).map(EnumValueDescriptor::getName).collect(Collectors.joining(", "));
    return values.size() > 12 ? names + ", ..." : names;
  }
}
