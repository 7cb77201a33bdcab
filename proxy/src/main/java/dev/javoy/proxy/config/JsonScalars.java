package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one JSON/YAML scalar as the protobuf scalar a field wants, returning the canonical JSON node the protobuf
 * JSON parser accepts (or null when the value does not fit). Accepts what Envoy's loader accepts: numbers given as
 * strings, YAML booleans ({@code yes}, {@code on}), hex integers, {@code .inf}/{@code .nan}.
 */
final class JsonScalars {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> TRUE = Set.of("true", "yes", "y", "on");
  private static final Set<String> FALSE = Set.of("false", "no", "n", "off");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final Map<String, String> SPECIAL_FLOATS = Map.of(
      ".inf", "Infinity", "+.inf", "Infinity", "-.inf", "-Infinity", ".nan", "NaN",
      "infinity", "Infinity", "-infinity", "-Infinity", "nan", "NaN", "inf", "Infinity", "-inf", "-Infinity");

  private static final Pattern YAML_INT = Pattern.compile("[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|[0-9][0-9_]*)");
  private static final Pattern YAML_FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");

  private static final Pattern SHORT_DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern SIMPLE_DECIMAL = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]{1,4})?");

  private JsonScalars() {}

  static JsonNode string(JsonNode n) {
    if (n.isTextual()) {
      return n;
    }
    return n.isNumber() || n.isBoolean() ? NODES.textNode(n.asText()) : null;
  }

  static JsonNode bool(JsonNode n) {
    if (n.isBoolean()) {
      return n;
    }
    if (!n.isTextual() || !flexibleCase(n.asText())) {
      return null;
    }
    String t = n.asText().toLowerCase(Locale.ROOT);
    return TRUE.contains(t) ? NODES.booleanNode(true) : FALSE.contains(t) ? NODES.booleanNode(false) : null;
  }

  /** YAML's booleans are lower case, upper case or capitalized ({@code on}, {@code ON}, {@code On}). */
  private static boolean flexibleCase(String s) {
    return s.equals(s.toLowerCase(Locale.ROOT)) || s.equals(s.toUpperCase(Locale.ROOT))
        || s.equals(s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT));
  }

  static JsonNode integer(JsonNode n, FieldDescriptor.Type type) {
    BigInteger v = bigInteger(n);
    if (v == null) {
      return null;
    }
    BigInteger min;
    BigInteger max;
    switch (type) {
      case INT32, SINT32, SFIXED32 -> {
        min = BigInteger.valueOf(Integer.MIN_VALUE);
        max = BigInteger.valueOf(Integer.MAX_VALUE);
      }
      case UINT32, FIXED32 -> {
        min = BigInteger.ZERO;
        max = BigInteger.valueOf(0xFFFF_FFFFL);
      }
      case UINT64, FIXED64 -> {
        min = BigInteger.ZERO;
        max = UINT64_MAX;
      }
      default -> {
        min = BigInteger.valueOf(Long.MIN_VALUE);
        max = BigInteger.valueOf(Long.MAX_VALUE);
      }
    }
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      return null;
    }
    return v.bitLength() < 64 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
  }

  private static BigInteger bigInteger(JsonNode n) {
    try {
      if (n.isIntegralNumber()) {
        return n.bigIntegerValue();
      }
      if (n.isNumber()) {
        return n.decimalValue().toBigIntegerExact();
      }
      if (!n.isTextual()) {
        return null;
      }
      String t = n.asText().trim().replace("_", "");
      boolean negative = t.startsWith("-");
      String digits = negative || t.startsWith("+") ? t.substring(1) : t;
      BigInteger v;
      if (digits.startsWith("0x") || digits.startsWith("0X")) {
        v = new BigInteger(digits.substring(2), 16);
      } else if (digits.startsWith("0o")) {
        v = new BigInteger(digits.substring(2), 8);
      } else if (SHORT_DIGITS.matcher(digits).matches()) {
        v = BigInteger.valueOf(Long.parseLong(digits)); // the common case, without BigDecimal (see decimal)
      } else {
        v = new BigDecimal(digits).toBigIntegerExact();
      }
      return negative ? v.negate() : v;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  static JsonNode floating(JsonNode n) {
    if (n.isNumber()) {
      return n;
    }
    if (!n.isTextual()) {
      return null;
    }
    String t = n.asText().trim();
    String special = SPECIAL_FLOATS.get(t.toLowerCase(Locale.ROOT));
    if (special != null) {
      return NODES.textNode(special);
    }
    try {
      return decimal(t.replace("_", ""));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A decimal number written as text. A plain one that is a finite double becomes a double node: the same double as
   * {@code new BigDecimal(t).doubleValue()} (negative zero included: BigDecimal has none), and its JSON text reads
   * back as that double; this keeps {@code BigDecimal}'s class initialization (≈ 17 ms on JDK 25) off start-up.
   * Anything else stays a {@code BigDecimal}, whose range errors protobuf's parser reports as before.
   */
  static JsonNode decimal(String t) {
    if (SIMPLE_DECIMAL.matcher(t).matches()) {
      double d = Double.parseDouble(t);
      if (!Double.isInfinite(d)) {
        return NODES.numberNode(d == 0 ? 0.0 : d);
      }
    }
    return NODES.numberNode(new BigDecimal(t));
  }

  static JsonNode bytes(JsonNode n) {
    if (!n.isTextual()) {
      return null;
    }
    String t = n.asText();
    try {
      Base64.getDecoder().decode(t);
      return n;
    } catch (IllegalArgumentException e) {
      try {
        Base64.getUrlDecoder().decode(t);
        return n;
      } catch (IllegalArgumentException e2) {
        return null;
      }
    }
  }

  /**
   * A free-form value ({@code google.protobuf.Value}, {@code Struct}): YAML's unquoted scalars become
   * booleans, numbers or null by YAML's rules; quoted ones stay strings.
   */
  static JsonNode freeForm(JsonNode n) {
    if (n instanceof YamlTree.Plain) {
      return plain(n);
    }
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      o.fieldNames().forEachRemaining(k -> o.set(k, freeForm(o.get(k))));
    } else if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, freeForm(a.get(i)));
      }
    }
    return n;
  }

  /** An unquoted YAML scalar in a free-form place: a boolean, null, integer, float or else a string. */
  private static JsonNode plain(JsonNode n) {
    String t = n.asText();
    JsonNode b = bool(n);
    if (b != null) {
      return b;
    }
    if (t.equals("~") || t.equalsIgnoreCase("null")) {
      return NODES.nullNode();
    }
    BigInteger integer = YAML_INT.matcher(t).matches() ? bigInteger(n) : null;
    if (integer != null) {
      return NODES.numberNode(integer);
    }
    if (YAML_FLOAT.matcher(t).matches()) {
      return decimal(t.replace("_", ""));
    }
    String special = t.startsWith(".") || t.startsWith("-.") || t.startsWith("+.")
        ? SPECIAL_FLOATS.get(t.toLowerCase(Locale.ROOT)) : null;
    return special != null ? NODES.textNode(special) : NODES.textNode(t);
  }

  /** The value as an error message shows it. */
  static String describe(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n instanceof YamlTree.Plain) {
      JsonNode typed = freeForm(n);
      if (!typed.isTextual()) {
        return n.asText(); // an unquoted YAML number or boolean, shown as written
      }
    }
    if (n.isTextual()) {
      String t = n.asText();
      return "\"" + (t.length() > 60 ? t.substring(0, 57) + "..." : t) + "\"";
    }
    return n.toString();
  }
}
