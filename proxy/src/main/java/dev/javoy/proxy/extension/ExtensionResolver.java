package dev.javoy.proxy.extension;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.TypedConfigs;

/**
 * Resolves an extension reference ({@code name} plus optional {@code typed_config}) to its factory and
 * unpacked config, as Envoy does: by the type URL of the config (looking through TypedStruct), else by name.
 */
public final class ExtensionResolver {
  /** A factory with the config it is to be built from. */
  public record Resolved<F extends ExtensionFactory>(F factory, Message config) {}

  private final ExtensionRegistry registry;

  public ExtensionResolver(ExtensionRegistry registry) {
    this.registry = registry;
  }

  public ExtensionRegistry registry() {
    return registry;
  }

  /**
   * @param path JSON path of the extension reference, for errors
   * @param typedConfig the {@code typed_config}, or null when the config names the extension only
   */
  public <F extends ExtensionFactory> Resolved<F> resolve(
      Class<F> category, String path, String name, Any typedConfig) throws ConfigException {
    if (typedConfig != null && !typedConfig.getTypeUrl().isEmpty()) {
      String typeUrl = TypedConfigs.typeUrlOf(typedConfig, path + ".typed_config");
      F factory = registry.byTypeUrl(category, typeUrl);
      if (factory == null) {
        throw new ConfigException(path + ".typed_config", "unsupported " + categoryName(category)
            + " extension '" + name + "' with type URL " + typeUrl);
      }
      // a TypedStruct's JSON may hold Anys of any type (rare): the whole registry; else none is consulted
      Message config = TypedConfigs.unpack(typedConfig, factory.defaultConfig(), path + ".typed_config",
          TypedConfigs.isTypedStruct(typedConfig) ? registry.typeRegistry() : registry.configTypes());
      return new Resolved<>(factory, config);
    }
    F factory = registry.byName(category, name);
    if (factory == null) {
      throw new ConfigException(path, "unsupported " + categoryName(category) + " extension '" + name
          + "' (no typed_config, and no extension has this name)");
    }
    return new Resolved<>(factory, factory.defaultConfig());
  }

  static String categoryName(Class<?> category) {
    if (category == NetworkFilterFactory.class) {
      return "network filter";
    } else if (category == HttpFilterFactory.class) {
      return "HTTP filter";
    } else if (category == AccessLoggerFactory.class) {
      return "access logger";
    } else if (category == TracerFactory.class) {
      return "tracer";
    } else if (category == ListenerFilterFactory.class) {
      return "listener filter";
    } else if (category == UpstreamNetworkFilterFactory.class) {
      return "upstream network filter";
    }
    return category.getSimpleName();
  }
}
