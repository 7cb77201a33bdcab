package dev.javoy.proxy.config;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.server.ServerOptions;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the {@link Bootstrap} as Envoy does: from {@code -c} (YAML, JSON, binary or text proto, by extension; with
 * no telling extension JSON, else YAML), then {@code --config-yaml} parsed on its own and merged over it with
 * protobuf merge semantics (singular fields replaced, messages merged, lists appended), then the
 * {@code --service-cluster}, {@code --service-node} and {@code --service-zone} overrides. Unknown fields fail the
 * load, or are logged and dropped with {@code --allow-unknown-static-fields}.
 */
public final class BootstrapLoader {
  /** Names {@code --config-yaml} in errors. */
  public static final String CONFIG_YAML_SOURCE = "--config-yaml";

  private final ProtoJsonParser parser;

  /** @param types every message type that may appear in an {@code Any} (ExtensionRegistry#typeRegistry) */
  public BootstrapLoader(JsonFormat.TypeRegistry types) {
    this.parser = new ProtoJsonParser(types);
  }

  /** @param types the types of the {@code Any}s each parsed config names (ExtensionRegistry#anyTypes) */
  public BootstrapLoader(AnyTypes types) {
    this.parser = new ProtoJsonParser(types);
  }

  public ProtoJsonParser parser() {
    return parser;
  }

  /** The bootstrap {@code options} describe: file, then {@code --config-yaml}, then the node overrides. */
  public Bootstrap load(ServerOptions options) throws ConfigException {
    boolean hasPath = options.configPath() != null && !options.configPath().isEmpty();
    boolean hasYaml = options.configYaml() != null && !options.configYaml().isEmpty();
    if (!hasPath && !hasYaml) {
      throw new ConfigException(null, "at least one of --config-path or --config-yaml must be given");
    }
    UnknownFieldPolicy policy = UnknownFieldPolicy.forStatic(options.allowUnknownStaticFields());
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    if (hasPath) {
      bootstrap.mergeFrom(loadFile(Path.of(options.configPath()), policy));
    }
    if (hasYaml) {
      bootstrap.mergeFrom(parse(options.configYaml(), ConfigDocuments.Syntax.YAML, policy, CONFIG_YAML_SOURCE));
    }
    return applyNodeOverrides(bootstrap.build(), options);
  }

  /** Loads one bootstrap file, its syntax chosen by extension. */
  public Bootstrap loadFile(Path file, UnknownFieldPolicy policy) throws ConfigException {
    ConfigDocuments.Syntax syntax = ConfigDocuments.Syntax.of(file);
    if (syntax == ConfigDocuments.Syntax.PROTO_BINARY) {
      try {
        return Bootstrap.parseFrom(Files.readAllBytes(file));
      } catch (InvalidProtocolBufferException e) {
        throw new ConfigException(null, file + ": invalid binary proto: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new ConfigException(null, "cannot read config file '" + file + "': " + e.getMessage(), e);
      }
    }
    return parse(ConfigDocuments.readText(file), syntax, policy, file.toString());
  }

  /**
   * Parses bootstrap text.
   *
   * @param source names the text in errors (a file name or {@link #CONFIG_YAML_SOURCE})
   */
  public Bootstrap parse(String text, ConfigDocuments.Syntax syntax, UnknownFieldPolicy policy, String source)
      throws ConfigException {
    if (syntax == ConfigDocuments.Syntax.PROTO_TEXT) {
      try {
        // into a DynamicMessage, then by the generated parsing code: no reflection on the generated classes
        DynamicMessage.Builder b = DynamicMessage.newBuilder(Bootstrap.getDescriptor());
        TextFormat.getParser().merge(text, b);
        return Bootstrap.parseFrom(b.build().toByteString());
      } catch (TextFormat.ParseException | InvalidProtocolBufferException e) {
        throw new ConfigException(null, source + ": invalid text proto: " + e.getMessage(), e);
      }
    }
    return parser.parse(ConfigDocuments.parse(text, syntax, source), Bootstrap.getDefaultInstance(), policy, "");
  }

  /** Applies {@code --service-cluster} (node.cluster), {@code --service-node} (node.id), {@code --service-zone}. */
  public static Bootstrap applyNodeOverrides(Bootstrap bootstrap, ServerOptions options) {
    if (isEmpty(options.serviceCluster()) && isEmpty(options.serviceNode()) && isEmpty(options.serviceZone())) {
      return bootstrap;
    }
    Bootstrap.Builder b = bootstrap.toBuilder();
    Node.Builder node = b.getNodeBuilder();
    if (!isEmpty(options.serviceCluster())) {
      node.setCluster(options.serviceCluster());
    }
    if (!isEmpty(options.serviceNode())) {
      node.setId(options.serviceNode());
    }
    if (!isEmpty(options.serviceZone())) {
      node.getLocalityBuilder().setZone(options.serviceZone());
    }
    return b.build();
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
