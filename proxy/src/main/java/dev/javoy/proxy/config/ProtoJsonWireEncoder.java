package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.FieldMaskUtil;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A JSON tree that {@link ProtoJsonChecker} has checked, straight to the protobuf wire bytes that protobuf's
 * {@code JsonFormat} parser merging the same tree (as JSON text) into a {@code DynamicMessage} and serializing it
 * would produce: fields in field-number order, packed repeated scalars, proto3 fields without presence left out
 * at their default value, map entries and {@code Any}s as {@code DynamicMessage} builds them, the well-known
 * types' JSON forms (Duration, Timestamp, FieldMask, wrappers, Struct / Value / ListValue, Any by its
 * {@code "@type"}). It skips {@code JsonFormat}'s Gson tree, its {@code BigDecimal} range checks (on JDK 25 the
 * class's initialization alone costs ≈ 17 ms of start-up) and the {@code DynamicMessage}.
 *
 * <p>Input the checker passes but this encoder cannot be sure about (a value protobuf's parser might reject, or
 * read differently) ends the encoding with {@link Unsure}; the caller then parses with {@code JsonFormat} as
 * before, so errors and corner cases keep its behaviour and messages. Differential test: ProtoJsonWireEncoderTest.
 */
final class ProtoJsonWireEncoder {
  private static final Set<String> WRAPPERS = Set.of(
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
      "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue");
  private static final double FLOAT_LIMIT = Float.MAX_VALUE * (1.0 + 1e-6);

  /** The tree holds something this encoder leaves to protobuf's JSON parser. */
  static final class Unsure extends Exception {
    private static final long serialVersionUID = 1L;

    Unsure(String what) {
      super(what, null, false, false);
    }
  }

  private final JsonFormat.TypeRegistry types;
  private final Map<Descriptor, FieldDescriptor[]> byNumber = new IdentityHashMap<>();

  ProtoJsonWireEncoder(JsonFormat.TypeRegistry types) {
    this.types = types;
  }

  /** {@code node} (checked, not null) as a message of {@code type}. */
  ByteString message(JsonNode node, Descriptor type) throws Unsure {
    String name = type.getFullName();
    if (name.startsWith("google.protobuf.")) {
      ByteString special = wellKnown(node, type, name);
      if (special != null) {
        return special;
      }
    }
    if (!node.isObject()) {
      throw new Unsure("not an object");
    }
    return fields(node, type, false);
  }

  /** The fields of {@code object} in field-number order; {@code skipType}: the {@code "@type"} of an Any's body. */
  private ByteString fields(JsonNode object, Descriptor type, boolean skipType) throws Unsure {
    FieldDescriptor[] ordered = byNumber.computeIfAbsent(type, ProtoJsonWireEncoder::ordered);
    JsonNode[] values = new JsonNode[ordered.length];
    int given = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (skipType && e.getKey().equals("@type")) {
        continue;
      }
      FieldDescriptor field = type.findFieldByName(e.getKey());
      if (field == null) {
        field = byJsonName(type, e.getKey());
      }
      if (field == null) {
        throw new Unsure("unknown field " + e.getKey());
      }
      int i = Arrays.binarySearch(ordered, field, BY_NUMBER);
      if (values[i] != null) {
        throw new Unsure("field given twice");
      }
      values[i] = e.getValue();
      given++;
    }
    if (given == 0) {
      return ByteString.EMPTY;
    }
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
    try {
      for (int i = 0; i < ordered.length; i++) {
        JsonNode value = values[i];
        if (value != null && value.isNull() && isNullValueEnum(ordered[i])) {
          throw new Unsure("null for google.protobuf.NullValue"); // JsonFormat sets NULL_VALUE
        }
        if (value != null && !(value.isNull() && !isValue(ordered[i]))) {
          field(out, ordered[i], value);
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteString();
  }

  private static final Comparator<FieldDescriptor> BY_NUMBER = Comparator.comparingInt(FieldDescriptor::getNumber);

  private static FieldDescriptor[] ordered(Descriptor type) {
    FieldDescriptor[] fields = type.getFields().toArray(new FieldDescriptor[0]);
    Arrays.sort(fields, BY_NUMBER);
    return fields;
  }

  private static FieldDescriptor byJsonName(Descriptor type, String key) {
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJsonName().equals(key)) {
        return f;
      }
    }
    return null;
  }

  private void field(CodedOutputStream out, FieldDescriptor field, JsonNode value) throws IOException, Unsure {
    if (field.isMapField()) {
      map(out, field, value);
    } else if (field.isRepeated()) {
      if (!value.isArray()) {
        throw new Unsure("not a list");
      }
      if (value.isEmpty()) {
        return;
      }
      if (field.isPacked()) {
        ByteString.Output packed = ByteString.newOutput();
        CodedOutputStream p = CodedOutputStream.newInstance(packed, 64);
        for (JsonNode item : value) {
          scalar(p, field, item, -1);
        }
        p.flush();
        out.writeBytes(field.getNumber(), packed.toByteString());
      } else {
        for (JsonNode item : value) {
          if (item.isNull() && !isValue(field)) {
            throw new Unsure("null list item");
          }
          single(out, field, item, true);
        }
      }
    } else {
      // proto3 fields without presence are left out at their default value (DynamicMessage.Builder#setField)
      single(out, field, value, field.hasPresence());
    }
  }

  private void map(CodedOutputStream out, FieldDescriptor field, JsonNode value) throws IOException, Unsure {
    if (!value.isObject()) {
      throw new Unsure("map not an object");
    }
    Descriptor entry = field.getMessageType();
    FieldDescriptor keyField = entry.findFieldByName("key");
    FieldDescriptor valueField = entry.findFieldByName("value");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull() && !isValue(valueField)) {
        throw new Unsure("null map value");
      }
      ByteString.Output bytes = ByteString.newOutput();
      CodedOutputStream entryOut = CodedOutputStream.newInstance(bytes, 64);
      single(entryOut, keyField, mapKey(e.getKey(), keyField), keyField.hasPresence());
      single(entryOut, valueField, e.getValue(), valueField.hasPresence());
      entryOut.flush();
      out.writeBytes(field.getNumber(), bytes.toByteString());
    }
  }

  private static JsonNode mapKey(String key, FieldDescriptor keyField) throws Unsure {
    return switch (keyField.getJavaType()) {
      case STRING -> com.fasterxml.jackson.databind.node.TextNode.valueOf(key);
      case BOOLEAN -> {
        if (key.equals("true") || key.equals("false")) {
          yield com.fasterxml.jackson.databind.node.BooleanNode.valueOf(key.equals("true"));
        }
        throw new Unsure("map key");
      }
      case INT, LONG -> {
        try {
          yield com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(key));
        } catch (NumberFormatException e) {
          throw new Unsure("map key");
        }
      }
      default -> throw new Unsure("map key");
    };
  }

  /** One value of {@code field} (not a list); {@code keepDefault}: written even when it is the default. */
  private void single(CodedOutputStream out, FieldDescriptor field, JsonNode value, boolean keepDefault)
      throws IOException, Unsure {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      ByteString body = value.isNull() ? nullValue() : message(value, field.getMessageType());
      out.writeBytes(field.getNumber(), body);
      return;
    }
    scalar(out, field, value, keepDefault ? 1 : 0);
  }

  private static ByteString nullValue() {
    return ByteString.copyFrom(new byte[] {8, 0}); // google.protobuf.Value{null_value: NULL_VALUE}
  }

  /**
   * A scalar of {@code field}: {@code mode} 1 written with its tag, 0 with its tag unless it is the default,
   * -1 without a tag (an element of a packed list).
   */
  private static void scalar(CodedOutputStream out, FieldDescriptor field, JsonNode value, int mode)
      throws IOException, Unsure {
    int n = field.getNumber();
    switch (field.getType()) {
      case STRING -> {
        if (!value.isTextual()) {
          throw new Unsure("string");
        }
        String s = value.textValue();
        if (mode == 1 || !s.isEmpty()) {
          out.writeString(n, s);
        }
      }
      case BYTES -> {
        ByteString b = bytes(value);
        if (mode == 1 || !b.isEmpty()) {
          out.writeBytes(n, b);
        }
      }
      case BOOL -> {
        if (!value.isBoolean()) {
          throw new Unsure("bool");
        }
        boolean b = value.booleanValue();
        if (mode == -1) {
          out.writeBoolNoTag(b);
        } else if (mode == 1 || b) {
          out.writeBool(n, b);
        }
      }
      case DOUBLE -> {
        double d = floating(value, false);
        if (mode == -1) {
          out.writeDoubleNoTag(d);
        } else if (mode == 1 || !Double.valueOf(d).equals(0.0)) {
          out.writeDouble(n, d);
        }
      }
      case FLOAT -> {
        float f = (float) floating(value, true);
        if (mode == -1) {
          out.writeFloatNoTag(f);
        } else if (mode == 1 || !Float.valueOf(f).equals(0.0f)) {
          out.writeFloat(n, f);
        }
      }
      case ENUM -> {
        EnumValueDescriptor known = enumValue(value, field.getEnumType());
        int number = known != null ? known.getNumber() : value.intValue();
        if (mode == -1) {
          out.writeEnumNoTag(number);
        } else if (mode == 1 || known != field.getDefaultValue()) {
          // DynamicMessage compares value descriptors: an alias of the default's number is not the default
          out.writeEnum(n, number);
        }
      }
      default -> {
        long v = integer(value, field.getType());
        if (mode == 0 && v == 0) {
          return;
        }
        integer(out, field.getType(), n, v, mode == -1);
      }
    }
  }

  private static void integer(CodedOutputStream out, FieldDescriptor.Type type, int n, long v, boolean noTag)
      throws IOException {
    if (!noTag) {
      out.writeTag(n, type.getJavaType() == FieldDescriptor.JavaType.LONG
          ? (type == FieldDescriptor.Type.FIXED64 || type == FieldDescriptor.Type.SFIXED64
              ? WireFormat.WIRETYPE_FIXED64 : WireFormat.WIRETYPE_VARINT)
          : (type == FieldDescriptor.Type.FIXED32 || type == FieldDescriptor.Type.SFIXED32
              ? WireFormat.WIRETYPE_FIXED32 : WireFormat.WIRETYPE_VARINT));
    }
    switch (type) {
      case INT32 -> out.writeInt32NoTag((int) v);
      case UINT32 -> out.writeUInt32NoTag((int) v);
      case SINT32 -> out.writeSInt32NoTag((int) v);
      case FIXED32 -> out.writeFixed32NoTag((int) v);
      case SFIXED32 -> out.writeSFixed32NoTag((int) v);
      case INT64 -> out.writeInt64NoTag(v);
      case UINT64 -> out.writeUInt64NoTag(v);
      case SINT64 -> out.writeSInt64NoTag(v);
      case FIXED64 -> out.writeFixed64NoTag(v);
      case SFIXED64 -> out.writeSFixed64NoTag(v);
      default -> throw new IllegalStateException(type.toString());
    }
  }

  /** An integer the checker normalized (a long, or a BigInteger for a uint64 above Long.MAX_VALUE). */
  private static long integer(JsonNode value, FieldDescriptor.Type type) throws Unsure {
    if (!value.isIntegralNumber()) {
      throw new Unsure("integer");
    }
    if (value.canConvertToLong()) {
      long v = value.longValue();
      boolean fits = switch (type) {
        case INT32, SINT32, SFIXED32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
        case UINT32, FIXED32 -> v >= 0 && v <= 0xFFFF_FFFFL;
        case UINT64, FIXED64 -> v >= 0;
        default -> true;
      };
      if (!fits) {
        throw new Unsure("integer range");
      }
      return v;
    }
    if ((type == FieldDescriptor.Type.UINT64 || type == FieldDescriptor.Type.FIXED64)
        && value.bigIntegerValue().signum() > 0 && value.bigIntegerValue().bitLength() <= 64) {
      return value.bigIntegerValue().longValue();
    }
    throw new Unsure("integer range");
  }

  /** As JsonFormat reads a float/double: "NaN", "Infinity", "-Infinity", else the number's JSON text. */
  private static double floating(JsonNode value, boolean isFloat) throws Unsure {
    if (value.isTextual()) {
      return switch (value.textValue()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> throw new Unsure("float");
      };
    }
    if (!value.isNumber()) {
      throw new Unsure("float");
    }
    // the text JsonFormat would see; parseDouble rounds it as BigDecimal#doubleValue does
    double d = Double.parseDouble(JsonTreeWriter.write(value));
    if (Double.isInfinite(d) || (isFloat && (d > FLOAT_LIMIT || d < -FLOAT_LIMIT))) {
      throw new Unsure("float range"); // out of range: JsonFormat's error
    }
    return d;
  }

  /** The value's descriptor as JsonFormat finds it; null for a number an open enum does not name. */
  private static EnumValueDescriptor enumValue(JsonNode value, EnumDescriptor type) throws Unsure {
    if (value.isTextual()) {
      EnumValueDescriptor v = type.findValueByName(value.textValue());
      if (v == null) {
        throw new Unsure("enum name");
      }
      return v;
    }
    if (value.isIntegralNumber() && value.canConvertToInt()) {
      EnumValueDescriptor v = type.findValueByNumber(value.intValue());
      if (v == null && type.isClosed()) {
        throw new Unsure("closed enum");
      }
      return v;
    }
    throw new Unsure("enum");
  }

  private static ByteString bytes(JsonNode value) throws Unsure {
    if (!value.isTextual()) {
      throw new Unsure("bytes");
    }
    try {
      return ByteString.copyFrom(BaseEncoding.base64().decode(value.textValue()));
    } catch (IllegalArgumentException e) {
      try {
        return ByteString.copyFrom(BaseEncoding.base64Url().decode(value.textValue()));
      } catch (IllegalArgumentException e2) {
        throw new Unsure("base64");
      }
    }
  }

  /** The JSON forms of the well-known types; null for a google.protobuf type that is an ordinary message. */
  private ByteString wellKnown(JsonNode node, Descriptor type, String name) throws Unsure {
    if (WRAPPERS.contains(name)) {
      ByteString.Output bytes = ByteString.newOutput();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes, 32);
      try {
        scalar(out, type.findFieldByName("value"), node, 0);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteString();
    }
    try {
      switch (name) {
        case "google.protobuf.Duration" -> {
          return Durations.parse(text(node)).toByteString();
        }
        case "google.protobuf.Timestamp" -> {
          return Timestamps.parse(text(node)).toByteString();
        }
        case "google.protobuf.FieldMask" -> {
          return FieldMaskUtil.fromJsonString(text(node)).toByteString();
        }
        case "google.protobuf.Struct" -> {
          return struct(node);
        }
        case "google.protobuf.ListValue" -> {
          return listValue(node);
        }
        case "google.protobuf.Value" -> {
          return value(node);
        }
        case "google.protobuf.Any" -> {
          return any(node);
        }
        default -> {
          return null;
        }
      }
    } catch (ParseException | IllegalArgumentException e) {
      throw new Unsure(name);
    }
  }

  private static String text(JsonNode node) throws Unsure {
    if (!node.isTextual()) {
      throw new Unsure("not a string");
    }
    return node.textValue();
  }

  private ByteString struct(JsonNode node) throws Unsure {
    if (!node.isObject()) {
      throw new Unsure("struct");
    }
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ByteString.Output entry = ByteString.newOutput();
        CodedOutputStream entryOut = CodedOutputStream.newInstance(entry, 64);
        if (!e.getKey().isEmpty()) {
          entryOut.writeString(1, e.getKey());
        }
        entryOut.writeBytes(2, value(e.getValue()));
        entryOut.flush();
        out.writeBytes(1, entry.toByteString());
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteString();
  }

  private ByteString listValue(JsonNode node) throws Unsure {
    if (!node.isArray()) {
      throw new Unsure("list");
    }
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, 128);
    try {
      for (JsonNode item : node) {
        out.writeBytes(1, value(item));
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteString();
  }

  /** google.protobuf.Value: its kind is a oneof, so even a default value is written. */
  private ByteString value(JsonNode node) throws Unsure {
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, 64);
    try {
      if (node.isNull()) {
        out.writeEnum(1, 0);
      } else if (node.isNumber()) {
        out.writeDouble(2, Double.parseDouble(JsonTreeWriter.write(node)));
      } else if (node.isTextual()) {
        out.writeString(3, node.textValue());
      } else if (node.isBoolean()) {
        out.writeBool(4, node.booleanValue());
      } else if (node.isObject()) {
        out.writeBytes(5, struct(node));
      } else if (node.isArray()) {
        out.writeBytes(6, listValue(node));
      } else {
        throw new Unsure("value");
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteString();
  }

  /** google.protobuf.Any: {@code "@type"} resolved in the registry, the rest the packed message's JSON. */
  private ByteString any(JsonNode node) throws Unsure {
    if (!node.isObject()) {
      throw new Unsure("any");
    }
    if (node.isEmpty()) {
      return ByteString.EMPTY;
    }
    JsonNode typeUrlNode = node.get("@type");
    if (typeUrlNode == null || !typeUrlNode.isTextual()) {
      throw new Unsure("any without @type");
    }
    String typeUrl = typeUrlNode.textValue();
    int slash = typeUrl.lastIndexOf('/');
    if (slash < 0 || slash == typeUrl.length() - 1) {
      throw new Unsure("type url");
    }
    Descriptor content = types.find(typeUrl.substring(slash + 1));
    if (content == null) {
      throw new Unsure("type not in the registry");
    }
    ByteString value;
    String contentName = content.getFullName();
    if (contentName.startsWith("google.protobuf.") && (WRAPPERS.contains(contentName) || isOtherWellKnown(contentName))) {
      JsonNode inner = node.get("value");
      value = inner == null ? ByteString.EMPTY : message(inner, content);
    } else {
      value = fields(node, content, true);
    }
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, 64);
    try {
      if (!typeUrl.isEmpty()) {
        out.writeString(1, typeUrl);
      }
      if (!value.isEmpty()) {
        out.writeBytes(2, value);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteString();
  }

  private static boolean isOtherWellKnown(String name) {
    return switch (name) {
      case "google.protobuf.Any", "google.protobuf.Duration", "google.protobuf.Timestamp",
          "google.protobuf.FieldMask", "google.protobuf.Struct", "google.protobuf.ListValue",
          "google.protobuf.Value" -> true;
      default -> false;
    };
  }

  private static boolean isNullValueEnum(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.ENUM
        && field.getEnumType().getFullName().equals("google.protobuf.NullValue");
  }

  private static boolean isValue(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && field.getMessageType().getFullName().equals("google.protobuf.Value");
  }
}
