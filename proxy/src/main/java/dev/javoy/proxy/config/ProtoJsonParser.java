package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.log.Log;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Parses JSON/YAML config into protobuf messages, reporting every problem at its JSON path. Accepts both proto
 * JSON spellings of field names ({@code lb_endpoints} and {@code lbEndpoints}); {@code Any}s resolve through
 * {@code types} (every type javoy accepts) and one whose type is not there is an error naming its path and type
 * URL. Unknown fields are rejected, warned about or ignored per {@link UnknownFieldPolicy}.
 */
public final class ProtoJsonParser {
  private static final Logger LOG = Log.get("config");
  private static final int LISTED_UNKNOWN_FIELDS = 5;

  private final AnyTypes anyTypes;

  public ProtoJsonParser(JsonFormat.TypeRegistry types) {
    this(AnyTypes.fixed(types));
  }

  /** @param anyTypes the registry for each parse, covering the {@code "@type"}s of the tree parsed */
  public ProtoJsonParser(AnyTypes anyTypes) {
    this.anyTypes = anyTypes;
  }

  /** The types {@code tree}'s {@code Any}s may hold. */
  public JsonFormat.TypeRegistry types(JsonNode tree) {
    return anyTypes.covering(tree);
  }

  /**
   * Merges {@code tree} into {@code builder} with protobuf's binary merge (what {@code tree} sets replaces singular
   * scalars, merges into messages, appends to lists); {@link #parse} starts from an empty builder.
   *
   * @param tree the JSON tree; it is modified (normalized, unknown fields dropped)
   * @param path JSON path of {@code tree} in the config, "" at the top
   */
  public <B extends Message.Builder> B merge(JsonNode tree, B builder, UnknownFieldPolicy policy, String path)
      throws ConfigException {
    JsonFormat.TypeRegistry types = anyTypes.covering(tree);
    ProtoJsonChecker checker = new ProtoJsonChecker(types, policy != UnknownFieldPolicy.REJECT);
    Descriptor type = MessageDescriptors.of(builder);
    JsonNode checked;
    try {
      checked = checker.message(tree, type, path);
    } catch (RuntimeException e) {
      throw new ConfigException(path, "cannot check config as " + type.getFullName() + ": " + e, e);
    }
    List<UnknownField> unknown = checker.unknownFields();
    if (!unknown.isEmpty()) {
      switch (policy) {
        case REJECT -> throw unknownFieldsError(unknown);
        case WARN -> unknown.forEach(u -> LOG.warning(u + " (ignored)"));
        case IGNORE -> { }
      }
    }
    if (checked.isNull()) {
      return builder;
    }
    try {
      // into a DynamicMessage (descriptors only), then into the generated builder by its own parsing code: protobuf's
      // JSON parser would set a generated builder's fields through its reflection (see MessageDescriptors)
      DynamicMessage.Builder parsed = DynamicMessage.newBuilder(type);
      JsonFormat.parser().usingTypeRegistry(types).merge(ConfigDocuments.toJson(checked), parsed);
      builder.mergeFrom(parsed.build().toByteString());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ConfigException(path, "cannot parse as " + type.getFullName() + ": " + e.getMessage(), e);
    }
    return builder;
  }

  /** Parses {@code tree} as a message of {@code prototype}'s type. */
  @SuppressWarnings("unchecked")
  public <M extends Message> M parse(JsonNode tree, M prototype, UnknownFieldPolicy policy, String path)
      throws ConfigException {
    return (M) merge(tree, prototype.newBuilderForType(), policy, path).build();
  }

  /** Parses YAML (or JSON, a subset) text as a message of {@code prototype}'s type. */
  public <M extends Message> M parseYaml(String yaml, M prototype, UnknownFieldPolicy policy, String source)
      throws ConfigException {
    return parse(ConfigDocuments.parse(yaml, ConfigDocuments.Syntax.YAML, source), prototype, policy, "");
  }

  private static ConfigException unknownFieldsError(List<UnknownField> unknown) {
    UnknownField first = unknown.get(0);
    String message = first.problem();
    if (unknown.size() > 1) {
      message += "; also unknown: " + unknown.stream().skip(1).limit(LISTED_UNKNOWN_FIELDS)
          .map(UnknownField::path).collect(Collectors.joining(", "))
          + (unknown.size() - 1 > LISTED_UNKNOWN_FIELDS ? ", ..." : "");
    }
    return new ConfigException(first.path(), message);
  }
}
