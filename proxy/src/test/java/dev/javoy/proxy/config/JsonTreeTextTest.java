package dev.javoy.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JsonTreeParser and JsonTreeWriter against the ObjectMapper settings ConfigDocuments used before them. */
class JsonTreeTextTest {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();

  private static final List<String> DOCUMENTS = List.of(
      "{}", "[]", "{\"a\":1}", "{\"a\":{\"b\":[1,2.5,-3e2,\"x\",true,false,null]}}",
      "{\"big\":123456789012345678901234567890,\"f\":1.0,\"g\":0.000001,\"h\":1E+400,\"i\":-0}",
      "{\"esc\":\"tab\\t quote\\\" uni\\u00e9 \\u2028 slash\\/\",\"k\\\"ey\":\"v\"}",
      "{\"dup\":1,\"dup\":2}", "  [ {\"a\" : [ ] } , { } ]  ", "\"text\"", "42", "3.25", "null", "true",
      "{\"a\":1} trailing", "{\"@type\":\"type.googleapis.com/x\",\"value\":{\"n\":\"1s\"}}");

  @Test
  void parsesAsObjectMapperReadTreeDid() throws Exception {
    for (String doc : DOCUMENTS) {
      JsonNode expected = MAPPER.readTree(doc);
      JsonNode actual = JsonTreeParser.parse(doc);
      assertEquals(expected, actual, doc);
      assertEquals(expected.getClass(), actual.getClass(), doc);
    }
  }

  @Test
  void writesAsObjectMapperDid() throws Exception {
    for (String doc : DOCUMENTS) {
      JsonNode tree = MAPPER.readTree(doc);
      assertEquals(MAPPER.writeValueAsString(tree), JsonTreeWriter.write(tree), doc);
    }
    JsonNode yaml = ConfigDocuments.parse("a: on\nb: [1, '2', 3.5]\nc: {d: null}\n", ConfigDocuments.Syntax.YAML, "t");
    assertEquals(MAPPER.writeValueAsString(yaml), JsonTreeWriter.write(yaml));
  }

  @Test
  void emptyTextIsNoValueAndBadJsonFailsWithItsLocation() throws Exception {
    assertNull(JsonTreeParser.parse(""));
    assertNull(JsonTreeParser.parse("  \n"));
    assertEquals("{}", ConfigDocuments.toJson(ConfigDocuments.parse(" ", ConfigDocuments.Syntax.JSON, "t")));
    for (String bad : List.of("{\"a\":}", "{\"a\" 1}", "[1,", "foo: bar", "{'a':1}")) {
      assertThrows(JsonProcessingException.class, () -> JsonTreeParser.parse(bad), bad);
    }
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigDocuments.parse("{\n\"a\": }", ConfigDocuments.Syntax.JSON, "c.json"));
    assertEquals(true, e.getMessage().startsWith("c.json: invalid JSON at line 2, column 6: "), e.getMessage());
    // JSON_OR_YAML falls back to YAML when the text is not JSON
    assertEquals("{\"foo\":\"bar\"}",
        ConfigDocuments.toJson(ConfigDocuments.parse("foo: bar", ConfigDocuments.Syntax.JSON_OR_YAML, "t")));
  }
}
