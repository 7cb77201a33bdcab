package dev.javoy.proxy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads config text (JSON or YAML) into a JSON tree, choosing the syntax by file name as Envoy does. */
public final class ConfigDocuments {
  /** How a config file is written. */
  public enum Syntax {
    JSON, YAML, PROTO_BINARY, PROTO_TEXT,
    /** No telling extension: JSON if it parses as JSON, else YAML. */
    JSON_OR_YAML;

    /** By extension: {@code .json}, {@code .yaml}/{@code .yml}, {@code .pb}, {@code .pb_text}; else JSON_OR_YAML. */
    public static Syntax of(Path file) {
      String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".json")) {
        return JSON;
      } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return YAML;
      } else if (name.endsWith(".pb")) {
        return PROTO_BINARY;
      } else if (name.endsWith(".pb_text")) {
        return PROTO_TEXT;
      }
      return JSON_OR_YAML;
    }
  }

  private ConfigDocuments() {}

  /** Reads a JSON or YAML file into a tree. */
  public static JsonNode read(Path file) throws ConfigException {
    return parse(readText(file), Syntax.of(file), file.toString());
  }

  public static String readText(Path file) throws ConfigException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read config file '" + file + "': " + describe(e), e);
    }
  }

  /**
   * @param source names the text in errors (a file name, or {@code --config-yaml})
   */
  public static JsonNode parse(String text, Syntax syntax, String source) throws ConfigException {
    switch (syntax) {
      case JSON -> {
        return json(text, source);
      }
      case YAML -> {
        return YamlTree.parse(text, source);
      }
      case JSON_OR_YAML -> {
        try {
          return json(text, source);
        } catch (ConfigException notJson) {
          return YamlTree.parse(text, source);
        }
      }
      default -> throw new ConfigException(null, source + ": " + syntax + " is not a JSON/YAML syntax");
    }
  }

  private static JsonNode json(String text, String source) throws ConfigException {
    try {
      JsonNode tree = JsonTreeParser.parse(text);
      if (tree == null) {
        return JsonNodeFactory.instance.objectNode();
      }
      return tree;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ConfigException(null, source + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) { // not from a String
      throw new ConfigException(null, source + ": invalid JSON: " + e.getMessage(), e);
    }
  }

  /** The tree as compact JSON text. */
  static String toJson(JsonNode tree) {
    return JsonTreeWriter.write(tree);
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    } else if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
