package dev.javoy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.extension.CoreTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the JSON of an Istio {@code /config_dump} (or of javoy's own) into xDS protos to serve, and back. Every
 * {@code @type} is resolved through javoy's registry, else the generated Envoy/udpa/xds/protobuf class of that
 * name on the class path; a type neither knows (Istio's own {@code stats.PluginConfig},
 * {@code istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig}, ...) is served as an {@code Any} with that
 * type URL and an empty value, so the proxy sees exactly the type istiod sent (its fields are lost).
 */
final class IstioDumpResources {
  private static final String PLACEHOLDER_KEY = "javoy.test.unknownTypeUrl";
  private static final String STRUCT_URL = "type.googleapis.com/google.protobuf.Struct";
  static final ObjectMapper JSON = new ObjectMapper();

  final JsonFormat.TypeRegistry registry;
  final TreeSet<String> unknownTypes = new TreeSet<>();
  private final JsonFormat.Parser parser;
  private final JsonFormat.Parser lenientParser;
  /** Resources that only parsed without fields the v1.34 API no longer has (such as 1.9's deprecated_v1). */
  final List<String> droppedFields = new ArrayList<>();
  private final JsonFormat.Printer printer;

  /** A registry for every {@code @type} in {@code documents}. */
  IstioDumpResources(List<JsonNode> documents) {
    TreeSet<String> types = new TreeSet<>();
    for (JsonNode d : documents) {
      collectTypes(d, types);
    }
    JsonFormat.TypeRegistry javoy = CoreTypes.defaultRegistry().typeRegistry();
    JsonFormat.TypeRegistry.Builder b = JsonFormat.TypeRegistry.newBuilder().add(Struct.getDescriptor());
    for (String url : types) {
      String name = url.substring(url.lastIndexOf('/') + 1);
      Descriptor d = find(javoy, name);
      if (d == null) {
        d = generated(name);
      }
      if (d == null) {
        unknownTypes.add(url);
      } else {
        b.add(d);
      }
    }
    registry = b.build();
    parser = JsonFormat.parser().usingTypeRegistry(registry);
    lenientParser = parser.ignoringUnknownFields();
    printer = JsonFormat.printer().usingTypeRegistry(registry).preservingProtoFieldNames();
  }

  private static Descriptor find(JsonFormat.TypeRegistry r, String name) {
    try {
      return r.find(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The descriptor of the generated class for a proto full name, by the packages the Java API jars use. */
  private static Descriptor generated(String fullName) {
    int dot = fullName.lastIndexOf('.');
    String pkg = fullName.substring(0, dot);
    String simple = fullName.substring(dot + 1);
    List<String> candidates = new ArrayList<>();
    if (pkg.startsWith("envoy.")) {
      candidates.add("io.envoyproxy." + fullName);
    } else if (pkg.startsWith("udpa.")) {
      candidates.add("com.github.udpa." + fullName);
    } else if (pkg.startsWith("xds.")) {
      candidates.add("com.github.xds." + pkg.substring(4) + "." + simple);
    } else if (pkg.equals("google.protobuf")) {
      candidates.add("com.google.protobuf." + simple);
    }
    for (String c : candidates) {
      try {
        Class<?> k = Class.forName(c);
        return (Descriptor) k.getMethod("getDescriptor").invoke(null);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // not on the class path
      }
    }
    return null;
  }

  private static void collectTypes(JsonNode n, TreeSet<String> out) {
    if (n.isObject()) {
      JsonNode t = n.get("@type");
      if (t != null && t.isTextual()) {
        out.add(t.asText());
      }
      n.forEach(c -> collectTypes(c, out));
    } else if (n.isArray()) {
      n.forEach(c -> collectTypes(c, out));
    }
  }

  /** Parses one resource's JSON (its {@code @type} removed) into {@code builder}'s type. */
  @SuppressWarnings("unchecked")
  <T extends Message> T parse(JsonNode resource, Message.Builder builder) throws InvalidProtocolBufferException {
    ObjectNode copy = (ObjectNode) placeholders(resource.deepCopy());
    copy.remove("@type");
    try {
      parser.merge(copy.toString(), builder.clone());
      parser.merge(copy.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      droppedFields.add(resource.path("name").asText(resource.path("cluster_name").asText()) + ": " + e.getMessage());
      lenientParser.merge(copy.toString(), builder);
    }
    return (T) restore(builder.build());
  }

  /** The resource as JSON (proto field names), for comparisons that ignore the order of map entries. */
  JsonNode json(Message m) throws Exception {
    return JSON.readTree(printer.print(placeholdersForPrinting(m)));
  }

  private JsonNode placeholders(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      JsonNode t = o.get("@type");
      if (t != null && unknownTypes.contains(t.asText())) {
        ObjectNode p = JSON.createObjectNode();
        p.put("@type", STRUCT_URL);
        p.putObject("value").put(PLACEHOLDER_KEY, t.asText());
        return p;
      }
      var names = new ArrayList<String>();
      o.fieldNames().forEachRemaining(names::add);
      for (String f : names) {
        o.set(f, placeholders(o.get(f)));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, placeholders(a.get(i)));
      }
    }
    return n;
  }

  /** Placeholders (Struct Anys) become Anys of the original type URL with no value. */
  private Message restore(Message m) {
    return rewrite(m, true);
  }

  /** The reverse of {@link #restore}: an Any of a type nobody knows prints as its placeholder. */
  private Message placeholdersForPrinting(Message m) {
    return rewrite(m, false);
  }

  private Message rewrite(Message m, boolean restore) {
    Descriptor d = m.getDescriptorForType();
    if (d.getFullName().equals("google.protobuf.Any")) {
      FieldDescriptor urlField = d.findFieldByName("type_url");
      FieldDescriptor valueField = d.findFieldByName("value");
      String url = (String) m.getField(urlField);
      ByteString value = (ByteString) m.getField(valueField);
      if (restore && url.equals(STRUCT_URL)) {
        try {
          Value v = Struct.parseFrom(value).getFieldsMap().get(PLACEHOLDER_KEY);
          if (v != null) {
            return m.toBuilder().setField(urlField, v.getStringValue()).setField(valueField, ByteString.EMPTY)
                .build();
          }
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
        return m;
      }
      if (!restore && unknownTypes.contains(url)) {
        Struct s = Struct.newBuilder().putFields(PLACEHOLDER_KEY, Value.newBuilder().setStringValue(url).build())
            .build();
        return m.toBuilder().setField(urlField, STRUCT_URL).setField(valueField, s.toByteString()).build();
      }
      Descriptor inner = find(registry, url.substring(url.lastIndexOf('/') + 1));
      if (inner == null) {
        return m;
      }
      try {
        Message unpacked = DynamicMessage.parseFrom(inner, value);
        Message fixed = rewrite(unpacked, restore);
        return fixed == unpacked ? m : m.toBuilder().setField(valueField, fixed.toByteString()).build();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    Message.Builder b = null;
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        List<?> old = (List<?>) e.getValue();
        List<Object> fixed = new ArrayList<>(old.size());
        boolean changed = false;
        for (Object o : old) {
          Message x = rewrite((Message) o, restore);
          changed |= x != o;
          fixed.add(x);
        }
        if (changed) {
          b = b == null ? m.toBuilder() : b;
          b.setField(f, fixed);
        }
      } else {
        Message x = rewrite((Message) e.getValue(), restore);
        if (x != e.getValue()) {
          b = b == null ? m.toBuilder() : b;
          b.setField(f, x);
        }
      }
    }
    return b == null ? m : b.build();
  }
}
