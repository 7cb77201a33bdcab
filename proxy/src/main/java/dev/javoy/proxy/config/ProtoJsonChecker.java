package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a JSON tree against a message type before protobuf's JSON parser sees it, so every problem is reported
 * at its JSON path: unknown fields (collected, and removed when asked), values of the wrong type, bad enum names,
 * bad durations, two members of one oneof, and {@code Any}s (and TypedStructs) whose type javoy does not have.
 * Scalars are rewritten in place to the form protobuf's parser accepts, and a single value given for a repeated
 * field becomes a one-element list, as Envoy's loader allows.
 */
final class ProtoJsonChecker {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String TYPE_KEY = "@type";

  private final JsonFormat.TypeRegistry types;
  private final boolean dropUnknown;
  private final List<UnknownField> unknownFields = new ArrayList<>();
  private final Map<Descriptor, Map<String, FieldDescriptor>> fieldsByJsonKey = new IdentityHashMap<>();

  ProtoJsonChecker(JsonFormat.TypeRegistry types, boolean dropUnknown) {
    this.types = types;
    this.dropUnknown = dropUnknown;
  }

  List<UnknownField> unknownFields() {
    return unknownFields;
  }

  /** Checks {@code node} as a message of type {@code type}; returns the node to put in its place. */
  JsonNode message(JsonNode node, Descriptor type, String path) throws ConfigException {
    if (node.isNull()) {
      return node;
    }
    if (WellKnownJson.isSpecial(type)) {
      return WellKnownJson.check(node, type, path);
    }
    if (type.getFullName().equals("google.protobuf.Any")) {
      return any(node, path);
    }
    if (!node.isObject()) {
      throw typeError(path, node, "an object (" + type.getFullName() + ")");
    }
    fields((ObjectNode) node, type, path);
    return node;
  }

  private void fields(ObjectNode object, Descriptor type, String path) throws ConfigException {
    Map<String, FieldDescriptor> byKey = fieldsByJsonKey.computeIfAbsent(type, ProtoJsonChecker::index);
    Map<FieldDescriptor, String> seen = new HashMap<>();
    Map<OneofDescriptor, FieldDescriptor> oneofs = new HashMap<>();
    for (String key : keys(object)) {
      FieldDescriptor field = byKey.get(key);
      if (field == null) {
        unknown(object, key, type, path);
        continue;
      }
      String fieldPath = join(path, field.getName());
      if (seen.put(field, key) != null) {
        throw new ConfigException(fieldPath, "field given twice (as \"" + seen.get(field) + "\" and \"" + key + "\")");
      }
      JsonNode value = object.get(key);
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && !value.isNull()) {
        FieldDescriptor other = oneofs.put(oneof, field);
        if (other != null) {
          throw new ConfigException(fieldPath, "only one of " + other.getName() + " and " + field.getName()
              + " may be set (oneof " + oneof.getName() + " in " + type.getFullName() + ")");
        }
      }
      object.set(key, field(value, field, fieldPath));
    }
  }

  private void unknown(ObjectNode object, String key, Descriptor type, String path) {
    unknownFields.add(new UnknownField(join(path, key), key, type.getFullName()));
    if (dropUnknown) {
      object.remove(key);
    }
  }

  private JsonNode field(JsonNode value, FieldDescriptor field, String path) throws ConfigException {
    if (value.isNull()) {
      return value;
    }
    if (field.isMapField()) {
      return map(value, field, path);
    }
    if (!field.isRepeated()) {
      return single(value, field, path);
    }
    ArrayNode list;
    if (value.isArray()) {
      list = (ArrayNode) value;
    } else {
      list = NODES.arrayNode().add(value);
    }
    for (int i = 0; i < list.size(); i++) {
      String itemPath = path + "[" + i + "]";
      JsonNode item = list.get(i);
      if (item.isNull() && !isValue(field)) {
        throw new ConfigException(itemPath, "list items cannot be null");
      }
      list.set(i, single(item, field, itemPath));
    }
    return list;
  }

  private JsonNode map(JsonNode value, FieldDescriptor field, String path) throws ConfigException {
    if (!value.isObject()) {
      throw typeError(path, value, "an object (map)");
    }
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    ObjectNode object = (ObjectNode) value;
    for (String key : keys(object)) {
      String entryPath = path + "[\"" + key + "\"]";
      if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING
          && single(NODES.textNode(key), keyField, entryPath) == null) {
        throw new ConfigException(entryPath, "invalid map key");
      }
      JsonNode entry = object.get(key);
      if (entry.isNull() && !isValue(valueField)) {
        throw new ConfigException(entryPath, "map values cannot be null");
      }
      object.set(key, single(entry, valueField, entryPath));
    }
    return object;
  }

  private static boolean isValue(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && field.getMessageType().getFullName().equals("google.protobuf.Value");
  }

  /** One value (not a list) of {@code field}. */
  private JsonNode single(JsonNode value, FieldDescriptor field, String path) throws ConfigException {
    if (value.isNull()) {
      return value;
    }
    JsonNode result = switch (field.getJavaType()) {
      case MESSAGE -> message(value, field.getMessageType(), path);
      case STRING -> JsonScalars.string(value);
      case BOOLEAN -> JsonScalars.bool(value);
      case INT, LONG -> JsonScalars.integer(value, field.getType());
      case FLOAT, DOUBLE -> JsonScalars.floating(value);
      case BYTE_STRING -> JsonScalars.bytes(value);
      case ENUM -> WellKnownJson.enumValue(value, field.getEnumType());
    };
    if (result == null) {
      throw typeError(path, value, expected(field));
    }
    return result;
  }

  private static String expected(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case INT, LONG -> "an integer (" + field.getType().name().toLowerCase() + ")";
      case FLOAT, DOUBLE -> "a number";
      case BYTE_STRING -> "base64-encoded bytes";
      case ENUM -> "one of " + WellKnownJson.enumNames(field.getEnumType()) + " (enum "
          + field.getEnumType().getFullName() + ")";
      case MESSAGE -> field.getMessageType().getFullName();
    };
  }

  /** An {@code Any}: its {@code @type} must be a type javoy has; its other keys are that type's fields. */
  private JsonNode any(JsonNode node, String path) throws ConfigException {
    if (!node.isObject()) {
      throw typeError(path, node, "an object with \"@type\" (google.protobuf.Any)");
    }
    ObjectNode object = (ObjectNode) node;
    if (object.isEmpty()) {
      return object;
    }
    JsonNode typeUrlNode = object.get(TYPE_KEY);
    if (typeUrlNode == null || !typeUrlNode.isTextual()) {
      throw new ConfigException(path, "google.protobuf.Any without a \"@type\" string");
    }
    String typeUrl = typeUrlNode.asText();
    Descriptor type = resolve(typeUrl, path);
    ObjectNode body = object.deepCopy();
    body.remove(TYPE_KEY);
    if (WellKnownJson.isSpecial(type)) {
      for (String key : keys(body)) {
        if (!key.equals("value")) {
          unknown(body, key, type, path);
        }
      }
      if (body.has("value")) {
        body.set("value", WellKnownJson.check(body.get("value"), type, join(path, "value")));
      }
    } else if (isTypedStruct(type)) {
      typedStruct(body, type, path);
    } else {
      fields(body, type, path);
    }
    object.removeAll();
    object.put(TYPE_KEY, typeUrl);
    object.setAll(body);
    return object;
  }

  /** A TypedStruct's {@code value} is checked as the message its {@code type_url} names. */
  private void typedStruct(ObjectNode object, Descriptor typedStruct, String path) throws ConfigException {
    JsonNode value = object.get("value");
    object.remove("value");
    fields(object, typedStruct, path);
    JsonNode innerUrl = object.has("type_url") ? object.get("type_url") : object.get("typeUrl");
    if (value == null || value.isNull()) {
      return;
    }
    if (innerUrl == null || !innerUrl.isTextual()) {
      throw new ConfigException(path, typedStruct.getFullName() + " with a value but no type_url");
    }
    if (!value.isObject()) {
      throw typeError(join(path, "value"), value, "an object");
    }
    Descriptor inner = resolve(innerUrl.asText(), path);
    object.set("value", message(value, inner, join(path, "value")));
  }

  private static boolean isTypedStruct(Descriptor type) {
    return type.getFullName().equals("udpa.type.v1.TypedStruct") || type.getFullName().equals("xds.type.v3.TypedStruct");
  }

  private Descriptor resolve(String typeUrl, String path) throws ConfigException {
    String name = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    Descriptor type = name.isEmpty() ? null : types.find(name);
    if (type == null) {
      throw new ConfigException(path, "unsupported extension type URL " + typeUrl);
    }
    return type;
  }

  private static List<String> keys(ObjectNode object) {
    List<String> keys = new ArrayList<>(object.size());
    object.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static Map<String, FieldDescriptor> index(Descriptor type) {
    Map<String, FieldDescriptor> byKey = new HashMap<>();
    for (FieldDescriptor f : type.getFields()) {
      byKey.put(f.getName(), f);
      byKey.put(f.getJsonName(), f);
    }
    return byKey;
  }

  static ConfigException typeError(String path, JsonNode value, String expected) {
    return new ConfigException(path, "invalid value " + JsonScalars.describe(value) + ": expected " + expected);
  }

  static String join(String path, String field) {
    return path == null || path.isEmpty() ? field : path + "." + field;
  }
}
