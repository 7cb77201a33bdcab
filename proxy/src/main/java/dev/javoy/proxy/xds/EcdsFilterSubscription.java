package dev.javoy.proxy.xds;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.http.filter.DynamicHttpFilterConfig;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.xds.ResourceSubscriber;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * One ECDS resource for HTTP filters (Envoy's {@code FilterConfigSubscription}): every filter naming it gets each
 * accepted version built with its own connection manager's context. A version is accepted only if it builds for
 * every filter (its type among each one's {@code type_urls}); otherwise it is NACKed and the configs in force stay.
 * Stats {@code extension_config_discovery.http_filter.<name>.config_reload} / {@code config_fail}. Filters of
 * retired listeners are only weakly held. Main thread.
 */
final class EcdsFilterSubscription implements ResourceSubscriber<TypedExtensionConfig> {
  private final String name;
  private final Set<DynamicHttpFilterConfig> filters = Collections.newSetFromMap(new WeakHashMap<>());
  private final Counter configReload;
  private final Counter configFail;
  private TypedExtensionConfig last;
  private String version = "";
  private long lastUpdatedMillis;
  dev.javoy.xds.Subscription subscription;

  EcdsFilterSubscription(String name, StatsStore stats) {
    this.name = name;
    String p = "extension_config_discovery.http_filter." + name + ".";
    configReload = stats.counter(p + "config_reload");
    configFail = stats.counter(p + "config_fail");
  }

  /** Adds a filter; it gets the version in force at once, if any (and if it builds for it). */
  void add(DynamicHttpFilterConfig filter) {
    filters.add(filter);
    if (last != null) {
      try {
        filter.install(filter.prepare(TypedConfigs.typeUrlOf(last.getTypedConfig(), "typed_config"),
            last.getTypedConfig()));
      } catch (ConfigException e) {
        Log.get("config").warning("ECDS: " + name + " does not fit filter: " + e.getMessage());
        filter.fallBack();
      }
    }
  }

  @Override
  public Map<String, String> onResources(Map<String, TypedExtensionConfig> changed, Set<String> removed,
      String version) {
    TypedExtensionConfig tec = changed.get(name);
    if (tec == null) {
      if (removed.contains(name)) {
        last = null;
        filters.forEach(DynamicHttpFilterConfig::fallBack);
      }
      return Map.of();
    }
    Map<DynamicHttpFilterConfig, HttpFilterConfig> built = new IdentityHashMap<>();
    try {
      String typeUrl = TypedConfigs.typeUrlOf(tec.getTypedConfig(), "typed_config");
      for (DynamicHttpFilterConfig f : List.copyOf(filters)) {
        built.put(f, f.prepare(typeUrl, tec.getTypedConfig()));
      }
    } catch (ConfigException e) {
      configFail.inc();
      Log.get("config").warning("ECDS: rejected " + name + ": " + e.getMessage());
      return Map.of(name, e.getMessage());
    }
    built.forEach(DynamicHttpFilterConfig::install);
    last = tec;
    this.version = version == null ? "" : version;
    lastUpdatedMillis = System.currentTimeMillis();
    configReload.inc();
    return Map.of();
  }

  @Override
  public void onError(Status status) {}

  @Override
  public void onResourceDoesNotExist(String missing) {
    for (DynamicHttpFilterConfig f : new ArrayList<>(filters)) {
      if (!f.initialized().isDone()) {
        f.fallBack(); // initial fetch timed out: the default config, if any
      }
    }
  }

  String name() {
    return name;
  }

  /** The accepted resource, or null. */
  TypedExtensionConfig last() {
    return last;
  }

  String version() {
    return version;
  }

  long lastUpdatedMillis() {
    return lastUpdatedMillis;
  }
}
