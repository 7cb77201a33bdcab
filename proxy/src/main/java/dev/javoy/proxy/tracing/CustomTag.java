package dev.javoy.proxy.tracing;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code custom_tags} entry (Envoy's {@code Tracing::CustomTag}): a tag whose value is a literal, an
 * environment variable (read once, at config time), a request header or a metadata value. A tag whose value is
 * missing and has no {@code default_value} is not set.
 */
public sealed interface CustomTag {
  String tag();

  /** The value for this request, or null to leave the tag out. */
  String value(TagContext ctx);

  record Literal(String tag, String value) implements CustomTag {
    @Override
    public String value(TagContext ctx) {
      return value;
    }
  }

  record RequestHeader(String tag, String header, String defaultValue) implements CustomTag {
    @Override
    public String value(TagContext ctx) {
      String v = ctx.requestHeaders() == null ? null : ctx.requestHeaders().get(header);
      return v != null ? v : defaultValue;
    }
  }

  enum MetadataKind { REQUEST, ROUTE, CLUSTER, HOST }

  record FromMetadata(String tag, MetadataKind kind, String filter, List<String> path, String defaultValue)
      implements CustomTag {
    @Override
    public String value(TagContext ctx) {
      Metadata md = switch (kind) {
        case REQUEST -> null; // javoy keeps no dynamic metadata on the stream yet: only the default applies
        case ROUTE -> ctx.route() == null ? null : ctx.route().tracing().metadata();
        case CLUSTER -> {
          UpstreamCluster c = cluster(ctx);
          yield c == null ? null : c.config().getMetadata();
        }
        case HOST -> {
          Host h = host(ctx);
          yield h == null ? null : h.metadata();
        }
      };
      String v = md == null ? null : lookup(md);
      return v != null ? v : defaultValue;
    }

    private static UpstreamCluster cluster(TagContext ctx) {
      String name = ctx.info().upstreamClusterName;
      return name == null || ctx.clusters() == null ? null : ctx.clusters().get(name);
    }

    private static Host host(TagContext ctx) {
      UpstreamCluster c = cluster(ctx);
      if (c == null || ctx.info().upstreamHostAddress == null) {
        return null;
      }
      for (Host h : c.hosts().all()) {
        if (h.address().equals(ctx.info().upstreamHostAddress)) {
          return h;
        }
      }
      return null;
    }

    private String lookup(Metadata md) {
      Struct s = md.getFilterMetadataMap().get(filter);
      if (s == null) {
        return null;
      }
      Value v = null;
      for (String key : path) {
        if (s == null) {
          return null;
        }
        v = s.getFieldsMap().get(key);
        if (v == null) {
          return null;
        }
        s = v.hasStructValue() ? v.getStructValue() : null;
      }
      return v == null ? null : render(v);
    }

    private static String render(Value v) {
      switch (v.getKindCase()) {
        case STRING_VALUE:
          return v.getStringValue();
        case BOOL_VALUE:
          return Boolean.toString(v.getBoolValue());
        case NUMBER_VALUE: {
          double d = v.getNumberValue();
          return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        case NULL_VALUE:
          return null;
        default:
          try {
            return dev.javoy.proxy.config.DynamicJson.print(JsonFormat.printer().omittingInsignificantWhitespace(), v);
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return null;
          }
      }
    }
  }

  /** Compiles {@code custom_tags}; environment tags become literals (or vanish) here. */
  static List<CustomTag> compile(List<io.envoyproxy.envoy.type.tracing.v3.CustomTag> tags, String path)
      throws ConfigException {
    List<CustomTag> out = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      var t = tags.get(i);
      String p = FieldSupport.index(path, "custom_tags", i);
      FieldSupport.check(t, p, Set.of("tag", "literal", "environment", "request_header", "metadata"));
      if (t.getTag().isEmpty()) {
        throw new ConfigException(p + ".tag", "value length must be at least 1 characters");
      }
      switch (t.getTypeCase()) {
        case LITERAL -> out.add(new Literal(t.getTag(), t.getLiteral().getValue()));
        case ENVIRONMENT -> {
          var e = t.getEnvironment();
          if (e.getName().isEmpty()) {
            throw new ConfigException(p + ".environment.name", "value length must be at least 1 characters");
          }
          String v = System.getenv(e.getName());
          if (v == null && !e.getDefaultValue().isEmpty()) {
            v = e.getDefaultValue();
          }
          if (v != null) {
            out.add(new Literal(t.getTag(), v));
          }
        }
        case REQUEST_HEADER -> {
          var h = t.getRequestHeader();
          if (h.getName().isEmpty()) {
            throw new ConfigException(p + ".request_header.name", "value length must be at least 1 characters");
          }
          out.add(new RequestHeader(t.getTag(), h.getName(),
              h.getDefaultValue().isEmpty() ? null : h.getDefaultValue()));
        }
        case METADATA -> out.add(metadata(t.getTag(), t.getMetadata(), p + ".metadata"));
        default -> throw new ConfigException(p, "a custom tag needs one of literal, environment, request_header, "
            + "metadata");
      }
    }
    return List.copyOf(out);
  }

  private static CustomTag metadata(String tag, io.envoyproxy.envoy.type.tracing.v3.CustomTag.Metadata m,
      String path) throws ConfigException {
    FieldSupport.check(m, path, Set.of("kind", "metadata_key", "default_value"));
    MetadataKind kind = switch (m.getKind().getKindCase()) {
      case REQUEST -> MetadataKind.REQUEST;
      case ROUTE -> MetadataKind.ROUTE;
      case CLUSTER -> MetadataKind.CLUSTER;
      case HOST -> MetadataKind.HOST;
      default -> MetadataKind.REQUEST; // Envoy's default kind
    };
    MetadataKey key = m.getMetadataKey();
    if (key.getKey().isEmpty()) {
      throw new ConfigException(path + ".metadata_key.key", "value length must be at least 1 characters");
    }
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < key.getPathCount(); i++) {
      if (key.getPath(i).getSegmentCase()
          != io.envoyproxy.envoy.type.metadata.v3.MetadataKey.PathSegment.SegmentCase.KEY) {
        throw new ConfigException(FieldSupport.index(path + ".metadata_key", "path", i), "a path segment needs a key");
      }
      segments.add(key.getPath(i).getKey());
    }
    if (segments.isEmpty()) {
      throw new ConfigException(path + ".metadata_key.path", "value must contain at least 1 item(s)");
    }
    return new FromMetadata(tag, kind, key.getKey(), List.copyOf(segments),
        m.getDefaultValue().isEmpty() ? null : m.getDefaultValue());
  }
}
