package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.IdentityHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns YAML text into a JSON tree the way Envoy's YAML loader does: anchors and aliases expanded, merge keys
 * ({@code <<}) applied, quoted scalars kept as strings. An unquoted scalar stays a {@link Plain} string until
 * the schema says what it is: {@code on} is a bool in a bool field, the text "on" in a string field, and is
 * resolved by YAML's rules only where the field is free-form ({@code Struct}, {@code Value}).
 */
final class YamlTree {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 500;

  /** An unquoted, untagged scalar whose type is decided by the field it lands in. */
  static final class Plain extends TextNode {
    Plain(String text) {
      super(text);
    }
  }

  private final Map<Node, JsonNode> converted = new IdentityHashMap<>();

  private YamlTree() {}

  /**
   * @param source what the text is (a file name or "--config-yaml"), for errors
   * @return the document as a JSON tree; an empty document is an empty object
   */
  static JsonNode parse(String text, String source) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(256 * 1024 * 1024);
    options.setMaxAliasesForCollections(10_000);
    options.setAllowDuplicateKeys(true);
    Node root;
    try {
      // SnakeYAML's composer alone, as Yaml.compose runs it: a Yaml object would also build the constructor and
      // representer (≈ 60 classes that stay in class metadata) which a node tree does not need
      root = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options).getSingleNode();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      throw new ConfigException(null, source + ": invalid YAML" + where + ": " + e.getProblem(), e);
    } catch (YAMLException e) {
      throw new ConfigException(null, source + ": invalid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      return NODES.objectNode();
    }
    return new YamlTree().convert(root, 0, source);
  }

  private JsonNode convert(Node node, int depth, String source) throws ConfigException {
    if (depth > MAX_DEPTH) {
      throw new ConfigException(null, source + ": YAML nested too deeply (recursive alias?)");
    }
    JsonNode done = converted.get(node);
    if (done != null) {
      return done.deepCopy();
    }
    JsonNode result;
    if (node instanceof ScalarNode scalar) {
      result = scalar(scalar);
    } else if (node instanceof SequenceNode seq) {
      ArrayNode array = NODES.arrayNode();
      for (Node item : seq.getValue()) {
        array.add(convert(item, depth + 1, source));
      }
      result = array;
    } else {
      result = mapping((MappingNode) node, depth, source);
    }
    converted.put(node, result);
    return result;
  }

  private ObjectNode mapping(MappingNode mapping, int depth, String source) throws ConfigException {
    ObjectNode object = NODES.objectNode();
    ObjectNode merged = null;
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      if (key.getTag().equals(Tag.MERGE)) {
        merged = merged == null ? NODES.objectNode() : merged;
        mergeInto(merged, convert(tuple.getValueNode(), depth + 1, source), source);
        continue;
      }
      if (!(key instanceof ScalarNode scalarKey)) {
        throw new ConfigException(null, source + ": line " + (key.getStartMark().getLine() + 1)
            + ": mapping keys must be scalars");
      }
      object.set(scalarKey.getValue(), convert(tuple.getValueNode(), depth + 1, source));
    }
    if (merged != null) {
      mergeInto(object, merged, source); // explicit keys win over merged ones
    }
    return object;
  }

  private static void mergeInto(ObjectNode target, JsonNode value, String source) throws ConfigException {
    if (value.isObject()) {
      value.fields().forEachRemaining(e -> {
        if (!target.has(e.getKey())) {
          target.set(e.getKey(), e.getValue());
        }
      });
    } else if (value.isArray()) {
      for (JsonNode item : value) {
        mergeInto(target, item, source);
      }
    } else {
      throw new ConfigException(null, source + ": a merge key (<<) must name a mapping or a list of mappings");
    }
  }

  private static JsonNode scalar(ScalarNode scalar) {
    String text = scalar.getValue();
    if (!scalar.isPlain()) {
      return NODES.textNode(text);
    }
    Tag tag = scalar.getTag();
    if (tag.equals(Tag.NULL)) {
      return NODES.nullNode();
    }
    if (tag.equals(Tag.STR)) {
      return NODES.textNode(text);
    }
    return new Plain(text);
  }
}
