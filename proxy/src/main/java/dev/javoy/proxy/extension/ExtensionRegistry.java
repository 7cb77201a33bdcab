package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Every extension javoy has, by category, type URL and well-known name (Envoy's {@code Registry}). Built once
 * from {@link ServiceLoader} entries; immutable afterwards, so it is read from any thread without locks.
 */
public final class ExtensionRegistry {
  /** The extension categories javoy knows and the factory interface of each. */
  public static final List<Class<? extends ExtensionFactory>> CATEGORIES =
      List.of(NetworkFilterFactory.class, HttpFilterFactory.class, AccessLoggerFactory.class, CompressionLibraryFactory.class,
          ListenerFilterFactory.class,
          UpstreamNetworkFilterFactory.class, TracerFactory.class);

  private final Map<Class<?>, Map<String, ExtensionFactory>> byTypeUrl = new HashMap<>();
  private final Map<Class<?>, Map<String, ExtensionFactory>> byName = new HashMap<>();
  private final List<ExtensionFactory> all = new ArrayList<>();
  private final ConfigTypeRegistry types;

  private ExtensionRegistry(List<Message> coreTypes) {
    List<Message> types = new ArrayList<>(coreTypes);
    for (Class<? extends ExtensionFactory> category : CATEGORIES) {
      for (ExtensionFactory f : ServiceLoader.load(category, ExtensionRegistry.class.getClassLoader())) {
        register(category, f, types);
      }
    }
    this.types = ConfigTypeRegistry.of(types);
  }

  /** Loads every factory on the class path; {@code coreTypes} are messages the core itself unpacks from Any. */
  public static ExtensionRegistry load(List<Message> coreTypes) {
    return new ExtensionRegistry(coreTypes);
  }

  private void register(Class<?> category, ExtensionFactory f, List<Message> types) {
    all.add(f);
    byTypeUrl.computeIfAbsent(category, c -> new HashMap<>()).put(f.typeUrl(), f);
    for (String n : f.names()) {
      byName.computeIfAbsent(category, c -> new HashMap<>()).put(n, f);
    }
    types.add(f.defaultConfig());
    types.addAll(f.nestedTypes());
  }

  /** The factory of {@code category} whose config has {@code typeUrl}, or null. */
  public <F extends ExtensionFactory> F byTypeUrl(Class<F> category, String typeUrl) {
    return category.cast(byTypeUrl.getOrDefault(category, Map.of()).get(typeUrl));
  }

  /** The factory of {@code category} with the well-known {@code name}, or null. */
  public <F extends ExtensionFactory> F byName(Class<F> category, String name) {
    return category.cast(byName.getOrDefault(category, Map.of()).get(name));
  }

  public Collection<ExtensionFactory> all() {
    return List.copyOf(all);
  }

  /**
   * Every message type that may appear inside an {@code Any} in config javoy accepts. Building it builds the
   * descriptors of every extension (about a second of start-up): for parsing config, use {@link #anyTypes()}
   * (covers what the config names) or {@link #configTypes()}; this one is for printing any config
   * ({@code /config_dump}).
   */
  public JsonFormat.TypeRegistry typeRegistry() {
    return types.all();
  }

  /** For parsing JSON config: a registry covering the {@code "@type"}s of the tree parsed, built as needed. */
  public ConfigTypeRegistry anyTypes() {
    return types;
  }

  /**
   * The types of the config parsed so far, for unpacking an {@code Any} whose prototype is known (the registry
   * is only consulted for an {@code Any} inside a TypedStruct's JSON, which the config's parse has covered).
   */
  public JsonFormat.TypeRegistry configTypes() {
    return types.current();
  }
}
