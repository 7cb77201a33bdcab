package dev.javoy.proxy.extension;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.AnyTypes;
import dev.javoy.proxy.config.MessageDescriptors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code JsonFormat.TypeRegistry} of the message types javoy accepts inside an {@code Any}, built lazily:
 * {@link #covering} adds only the types a config names (by its {@code "@type"}s), so a static config builds the
 * protobuf descriptors of the extensions it uses and not those of every extension javoy has. {@link #all()} is
 * the registry of every type (the admin's {@code /config_dump} prints any config), built on first use.
 *
 * <p>A registry holds whole files and their dependencies, as {@code JsonFormat.TypeRegistry.Builder#add} does, so
 * the registries returned here resolve every type the old eager registry resolved for the types they cover.
 * Called from config threads (main, xDS), never from an event loop; the registries returned are immutable.
 */
public final class ConfigTypeRegistry implements AnyTypes {
  /** Every type javoy accepts in an {@code Any}, by full name; descriptors not built yet. */
  private final Map<String, Message> known;
  private final Set<String> included = new LinkedHashSet<>();
  private volatile JsonFormat.TypeRegistry current = JsonFormat.TypeRegistry.getEmptyTypeRegistry();
  private volatile JsonFormat.TypeRegistry all;

  ConfigTypeRegistry(Map<String, Message> known) {
    this.known = Map.copyOf(known);
  }

  static ConfigTypeRegistry of(List<Message> types) {
    Map<String, Message> byName = new HashMap<>();
    for (Message m : types) {
      byName.putIfAbsent(ProtoTypeNames.fullName(m), m);
    }
    return new ConfigTypeRegistry(byName);
  }

  /** The registry of the types covered so far (configs parsed, extensions resolved). */
  public JsonFormat.TypeRegistry current() {
    return current;
  }

  /** Whether {@code fullName} is a type javoy accepts in an {@code Any} (no descriptor is built). */
  public boolean isKnown(String fullName) {
    return known.containsKey(fullName);
  }

  @Override
  public JsonFormat.TypeRegistry covering(JsonNode tree) {
    Set<String> names = new LinkedHashSet<>();
    collectTypes(tree, names);
    return covering(names);
  }

  /** A registry holding at least the types {@code fullNames} (those javoy knows). */
  public JsonFormat.TypeRegistry covering(Iterable<String> fullNames) {
    JsonFormat.TypeRegistry r = current;
    List<String> missing = null;
    for (String name : fullNames) {
      if (r.find(name) == null) {
        if (missing == null) {
          missing = new ArrayList<>();
        }
        missing.add(name);
      }
    }
    return missing == null ? r : include(missing);
  }

  /** The registry of every type javoy accepts (and their files' dependencies); built on first call. */
  public JsonFormat.TypeRegistry all() {
    JsonFormat.TypeRegistry r = all;
    if (r == null) {
      synchronized (this) {
        r = all;
        if (r == null) {
          JsonFormat.TypeRegistry.Builder b = JsonFormat.TypeRegistry.newBuilder();
          for (Message m : known.values()) {
            b.add(MessageDescriptors.of(m));
          }
          r = b.build();
          all = r;
          current = r;
        }
      }
    }
    return r;
  }

  private synchronized JsonFormat.TypeRegistry include(List<String> names) {
    boolean unknown = false;
    boolean added = false;
    for (String name : names) {
      if (known.containsKey(name)) {
        added |= included.add(name);
      } else {
        unknown = true;
      }
    }
    if (unknown) {
      // not a type javoy registers itself: it may still be a message of a registered type's file (or of a file
      // that one depends on), as it was in the eager registry; the whole registry decides (and parsing then
      // reports a type it does not have as before)
      return all();
    }
    if (added && all == null) {
      JsonFormat.TypeRegistry.Builder b = JsonFormat.TypeRegistry.newBuilder();
      for (String name : included) {
        b.add(MessageDescriptors.of(known.get(name)));
      }
      current = b.build();
    }
    return current;
  }

  /** Every {@code "@type"} value in {@code node}, as full names. */
  private static void collectTypes(JsonNode node, Set<String> names) {
    if (node == null) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if ((e.getKey().equals("@type") || e.getKey().equals("type_url") || e.getKey().equals("typeUrl")) && e.getValue().isTextual()) {
          // "type_url": the type inside a TypedStruct ({"@type": ".../xds.type.v3.TypedStruct", "type_url": ...,
          // "value": {...}}), which the checker resolves too
          names.add(ProtoTypeNames.fullNameOf(e.getValue().textValue()));
        } else {
          collectTypes(e.getValue(), names);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        collectTypes(child, names);
      }
    }
  }
}
