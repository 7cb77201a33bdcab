package dev.javoy.proxy.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * JSON text to a {@link JsonNode} tree with jackson-core's streaming parser, as {@code ObjectMapper.readTree} with
 * {@code USE_BIG_INTEGER_FOR_INTS} and {@code USE_BIG_DECIMAL_FOR_FLOATS} builds it (integers are
 * {@code BigIntegerNode}s, other numbers {@code DecimalNode}s, a repeated key keeps its last value, text after the
 * first value is ignored), without an {@code ObjectMapper}: building one loads ≈ 300 jackson-databind classes
 * (deserializer and serializer factories, type introspection) that stay in class metadata, hence in idle RSS,
 * for a process that only ever reads its config into a tree (perf/results/2026-11-22-s5-footprint.md).
 */
final class JsonTreeParser {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTreeParser() {}

  /** The first JSON value of {@code text}; {@code null} when the text holds no value (empty or blank). */
  static JsonNode parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      return first == null ? null : value(parser, first);
    }
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String name = parser.currentName();
          object.set(name, value(parser, parser.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          array.add(value(parser, t));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return NODES.numberNode(parser.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IllegalStateException("unexpected JSON token " + token);
    }
  }
}
