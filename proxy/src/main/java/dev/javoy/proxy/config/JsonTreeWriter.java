package dev.javoy.proxy.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * A {@link JsonNode} tree as compact JSON text through jackson-core's generator, without the
 * {@code ObjectMapper} that {@code writeValueAsString} (or {@code JsonNode.toString()}) would build and keep
 * (see {@link JsonTreeParser}). Numbers are written as the node holds them (a {@code DecimalNode} by
 * {@code BigDecimal.toString()}, as {@code ObjectMapper} writes it by default).
 */
final class JsonTreeWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonTreeWriter() {}

  static String write(JsonNode tree) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(tree, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonNode node, JsonGenerator out) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          out.writeFieldName(field.getKey());
          write(field.getValue(), out);
        }
        out.writeEndObject();
      }
      case ARRAY -> {
        out.writeStartArray();
        for (JsonNode item : node) {
          write(item, out);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString(node.textValue());
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NULL, MISSING -> out.writeNull();
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> out.writeNumber(node.intValue());
          case LONG -> out.writeNumber(node.longValue());
          case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
          case FLOAT -> out.writeNumber(node.floatValue());
          case DOUBLE -> out.writeNumber(node.doubleValue());
          default -> out.writeNumber(node.decimalValue());
        }
      }
      case BINARY -> out.writeBinary(node.binaryValue());
      default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node as JSON");
    }
  }
}
