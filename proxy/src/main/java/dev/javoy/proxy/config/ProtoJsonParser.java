package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
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
    Descriptor type = MessageDescriptors.of(builder);
    ByteString bytes = wireBytes(tree, type, policy, path, Encoding.DEFAULT);
    try {
      // into the generated builder by its own parsing code: protobuf's JSON parser would set a generated builder's
      // fields through its reflection (see MessageDescriptors)
      builder.mergeFrom(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ConfigException(path, "cannot parse as " + type.getFullName() + ": " + e.getMessage(), e);
    }
    return builder;
  }

  /**
   * {@code tree} checked and encoded as a message of {@code type}, in protobuf's wire format (empty for a JSON
   * null). Normally by {@link ProtoJsonWireEncoder}, falling back to protobuf's {@code JsonFormat} parser into a
   * {@code DynamicMessage} for what the encoder leaves to it (see {@link Encoding}: the differential test compares
   * the two).
   *
   * @param tree the JSON tree; it is modified (normalized, unknown fields dropped)
   */
  public ByteString wireBytes(JsonNode tree, Descriptor type, UnknownFieldPolicy policy, String path,
      Encoding encoding) throws ConfigException {
    JsonFormat.TypeRegistry types = anyTypes.covering(tree);
    ProtoJsonChecker checker = new ProtoJsonChecker(types, policy != UnknownFieldPolicy.REJECT);
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
      return ByteString.EMPTY;
    }
    if (encoding != Encoding.JSON_FORMAT) {
      try {
        return new ProtoJsonWireEncoder(types).message(checked, type);
      } catch (ProtoJsonWireEncoder.Unsure unsure) {
        // left to protobuf's JSON parser: its result, or its error
        if (encoding == Encoding.ENCODER_ONLY) {
          throw new ConfigException(path, "not encoded without JsonFormat: " + unsure.getMessage());
        }
      } catch (RuntimeException e) {
        throw new ConfigException(path, "cannot parse as " + type.getFullName() + ": " + e.getMessage(), e);
      }
    }
    try {
      DynamicMessage.Builder parsed = DynamicMessage.newBuilder(type);
      JsonFormat.parser().usingTypeRegistry(types).merge(ConfigDocuments.toJson(checked), parsed);
      return parsed.build().toByteString();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ConfigException(path, "cannot parse as " + type.getFullName() + ": " + e.getMessage(), e);
    }
  }

  /** How {@link #wireBytes} encodes a checked tree. */
  public enum Encoding {
    /** {@link ProtoJsonWireEncoder}, and protobuf's {@code JsonFormat} for what it leaves (config loading). */
    DEFAULT,
    /** Protobuf's {@code JsonFormat} parser into a {@code DynamicMessage} only (the reference, for tests). */
    JSON_FORMAT,
    /** {@link ProtoJsonWireEncoder} only; a ConfigException for what it would leave to JsonFormat (for tests). */
    ENCODER_ONLY
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
