package dev.javoy.proxy.admin;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.FieldMaskUtil;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Envoy's {@code /config_dump} selection on top of the full dump: {@code resource=} (one repeated field of the
 * per-component dumps, each element its own entry), {@code mask=} (a {@code FieldMask}; with a resource it
 * applies to each element and may reach one level into the element's {@code Any}, such as
 * {@code mask=cluster.name}) and {@code name_regex=} (keeps only resources whose name fully matches).
 */
final class ConfigDumpFilter {
  /** A request Envoy refuses: the status and the text body. */
  static final class Rejected extends Exception {
    final int status;

    Rejected(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final JsonFormat.TypeRegistry registry;

  ConfigDumpFilter(JsonFormat.TypeRegistry registry) {
    this.registry = registry;
  }

  /**
   * The whole dump, each component dump trimmed by {@code mask} (components it does not fit are left out).
   *
   * @param mask the {@code mask} parameter, or null
   * @param names the {@code name_regex} matcher, or null for all names
   */
  ConfigDump all(ConfigDump full, String mask, Predicate<String> names) throws Rejected {
    if (mask == null && names == null) {
      return full;
    }
    ConfigDump.Builder out = ConfigDump.newBuilder();
    for (Any config : full.getConfigsList()) {
      Message dump = filterNames(unpack(config), names);
      if (mask != null) {
        FieldMask fm = FieldMaskUtil.fromString(mask);
        if (!isValid(dump.getDescriptorForType(), fm)) {
          continue; // different dumps accept different masks
        }
        dump = FieldMaskUtil.trim(fm, dump);
      }
      out.addConfigs(pack(dump));
    }
    if (out.getConfigsCount() == 0 && mask != null) {
      throw new Rejected(400, "FieldMask " + mask + " could not be successfully applied to any configs.");
    }
    return out.build();
  }

  /** The elements of the repeated field {@code resource} of the first component dump that has it. */
  ConfigDump resource(ConfigDump full, String resource, String mask, Predicate<String> names) throws Rejected {
    for (Any config : full.getConfigsList()) {
      Message dump = unpack(config);
      FieldDescriptor field = dump.getDescriptorForType().findFieldByName(resource);
      if (field == null) {
        continue;
      }
      if (!field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        throw new Rejected(400, resource + " is not a repeated field. Use ?mask=" + resource
            + " to get only this field");
      }
      ConfigDump.Builder out = ConfigDump.newBuilder();
      for (Object item : (List<?>) dump.getField(field)) {
        Message element = (Message) item;
        if (names != null && !names.test(nameOf(element))) {
          continue;
        }
        if (mask != null) {
          element = trimResource(FieldMaskUtil.fromString(mask), element);
        }
        out.addConfigs(pack(element));
      }
      return out.build();
    }
    throw new Rejected(404, resource + " not found in config dump");
  }

  /**
   * Applies {@code mask} to one resource. Paths starting with the element's (single, non-repeated) {@code Any}
   * field go inside it: {@code cluster.name,last_updated} keeps {@code name} of the packed cluster and
   * {@code last_updated} of the element.
   */
  private Message trimResource(FieldMask mask, Message element) throws Rejected {
    Descriptor type = element.getDescriptorForType();
    FieldMask.Builder outer = FieldMask.newBuilder();
    FieldMask.Builder inner = FieldMask.newBuilder();
    FieldDescriptor anyField = null;
    for (String path : mask.getPathsList()) {
      int dot = path.indexOf('.');
      String first = dot < 0 ? path : path.substring(0, dot);
      FieldDescriptor f = type.findFieldByName(first);
      if (f != null && AnyMessages.isSingularAny(f)) {
        anyField = f;
        outer.addPaths(first);
        if (dot >= 0) {
          inner.addPaths(path.substring(dot + 1));
        }
      } else {
        outer.addPaths(path);
      }
    }
    if (anyField != null && element.hasField(anyField) && inner.getPathsCount() > 0) {
      Any any = AnyMessages.asAny((Message) element.getField(anyField));
      Descriptor innerType = AnyMessages.typeOf(registry, any.getTypeUrl());
      if (innerType == null || !isValid(innerType, inner.build())) {
        throw rejectedMask(mask);
      }
      Message unpacked = parse(innerType, any);
      Message trimmed = FieldMaskUtil.trim(inner.build(), unpacked);
      Any repacked = Any.newBuilder().setTypeUrl(any.getTypeUrl()).setValue(trimmed.toByteString()).build();
      element = element.toBuilder().setField(anyField, repacked).build();
    }
    if (!isValid(type, outer.build())) {
      throw rejectedMask(mask);
    }
    return FieldMaskUtil.trim(outer.build(), element);
  }

  /** Drops, from every repeated field of a component dump, the resources whose name does not match. */
  private Message filterNames(Message dump, Predicate<String> names) {
    if (names == null) {
      return dump;
    }
    Message.Builder b = null;
    for (FieldDescriptor f : dump.getDescriptorForType().getFields()) {
      if (!f.isRepeated() || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isMapField()) {
        continue;
      }
      List<?> items = (List<?>) dump.getField(f);
      List<Object> kept = new ArrayList<>(items.size());
      for (Object item : items) {
        if (names.test(nameOf((Message) item))) {
          kept.add(item);
        }
      }
      if (kept.size() != items.size()) {
        b = b == null ? dump.toBuilder() : b;
        b.setField(f, kept);
      }
    }
    return b == null ? dump : b.build();
  }

  /**
   * A resource's name: its own {@code name} field, else the {@code name} (or {@code cluster_name}) of the
   * message packed in its {@code Any}; null when it has none (such resources always pass the filter).
   */
  String nameOf(Message element) {
    String own = stringField(element, "name");
    if (own != null) {
      return own;
    }
    for (FieldDescriptor f : element.getDescriptorForType().getFields()) {
      if (AnyMessages.isSingularAny(f) && element.hasField(f)) {
        Any any = AnyMessages.asAny((Message) element.getField(f));
        Descriptor type = AnyMessages.typeOf(registry, any.getTypeUrl());
        if (type == null) {
          return null;
        }
        try {
          Message inner = parse(type, any);
          String name = stringField(inner, "name");
          return name != null ? name : stringField(inner, "cluster_name");
        } catch (Rejected e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String stringField(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    return f != null && !f.isRepeated() && f.getJavaType() == FieldDescriptor.JavaType.STRING
        ? (String) m.getField(f) : null;
  }

  private Message unpack(Any config) throws Rejected {
    Descriptor type = AnyMessages.typeOf(registry, config.getTypeUrl());
    if (type == null) {
      throw new Rejected(500, "unknown config dump type " + config.getTypeUrl());
    }
    return parse(type, config);
  }

  private static Message parse(Descriptor type, Any any) throws Rejected {
    try {
      return DynamicMessage.parseFrom(type, any.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new Rejected(500, "cannot parse " + any.getTypeUrl() + ": " + e.getMessage());
    }
  }

  private static Any pack(Message m) {
    return Any.newBuilder().setTypeUrl("type.googleapis.com/" + m.getDescriptorForType().getFullName())
        .setValue(m.toByteString()).build();
  }

  private static boolean isValid(Descriptor type, FieldMask mask) {
    for (String path : mask.getPathsList()) {
      if (!FieldMaskUtil.isValid(type, path)) {
        return false;
      }
    }
    return true;
  }

  /** Envoy names the mask in the C++ {@code DebugString} form. */
  private static Rejected rejectedMask(FieldMask mask) {
    StringBuilder sb = new StringBuilder("FieldMask ");
    for (String p : mask.getPathsList()) {
      sb.append("paths: \"").append(p).append("\"\n");
    }
    return new Rejected(400, sb.append(" could not be successfully used.").toString());
  }
}
