package dev.javoy.proxy.http.hcm;

import com.google.protobuf.Any;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.DynamicHttpFilterConfig;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.http.filter.HttpFilterDiscovery;
import io.envoyproxy.envoy.config.core.v3.ExtensionConfigSource;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An {@code http_filters} entry with {@code config_discovery} (ECDS): {@code config_source} (ADS), {@code type_urls},
 * {@code default_config} and {@code apply_default_config_without_warming}. The filter is a
 * {@link DynamicHttpFilterConfig} subscribed through the xDS client; a discovered config cannot be the terminal filter.
 */
final class DiscoveredHttpFilter {
  private DiscoveredHttpFilter() {}

  static DynamicHttpFilterConfig create(HttpFilter f, String fp, String statPrefix, FactoryContext ctx)
      throws ConfigException {
    String path = fp + ".config_discovery";
    ExtensionConfigSource ecs = f.getConfigDiscovery();
    FieldSupport.check(ecs, path, Set.of("config_source", "default_config", "apply_default_config_without_warming",
        "type_urls"));
    var cs = ecs.getConfigSource();
    FieldSupport.check(cs, path + ".config_source", Set.of("ads", "initial_fetch_timeout", "resource_api_version"));
    if (!cs.hasAds()) {
      throw new ConfigException(path + ".config_source", "only ads is supported as an ECDS config source");
    }
    if (ecs.getTypeUrlsCount() == 0) {
      throw new ConfigException(path + ".type_urls", "value must contain at least 1 item(s)");
    }
    HttpFilterDiscovery discovery = ctx.rdsSource() == null ? null : ctx.rdsSource().httpFilterDiscovery();
    if (discovery == null) {
      throw new ConfigException(path, "ECDS needs xDS (dynamic_resources with ADS); none is configured");
    }
    Set<String> typeUrls = new LinkedHashSet<>(ecs.getTypeUrlsList());
    ExtensionResolver resolver = ctx.extensions();
    String name = f.getName();
    DynamicHttpFilterConfig.Builder builder = typed -> build(resolver, name, typed, fp, statPrefix, ctx);
    HttpFilterConfig defaultConfig = null;
    if (ecs.hasDefaultConfig()) {
      String typeUrl = TypedConfigs.typeUrlOf(ecs.getDefaultConfig(), path + ".default_config");
      if (!typeUrls.contains(typeUrl)) {
        throw new ConfigException(path + ".default_config", "Error: filter config has type URL " + typeUrl
            + " but expect " + String.join(", ", typeUrls) + ".");
      }
      defaultConfig = builder.build(ecs.getDefaultConfig());
    } else if (ecs.getApplyDefaultConfigWithoutWarming()) {
      throw new ConfigException(path + ".apply_default_config_without_warming",
          "apply_default_config_without_warming needs a default_config");
    }
    DynamicHttpFilterConfig filter = new DynamicHttpFilterConfig(name, typeUrls, builder, defaultConfig);
    discovery.subscribe(filter, cs, !(defaultConfig != null && ecs.getApplyDefaultConfigWithoutWarming()));
    return filter;
  }

  private static HttpFilterConfig build(ExtensionResolver resolver, String name, Any typed, String fp,
      String statPrefix, FactoryContext ctx) throws ConfigException {
    ExtensionResolver.Resolved<HttpFilterFactory> r = resolver.resolve(HttpFilterFactory.class, fp, name, typed);
    if (r.factory().terminal()) {
      throw new ConfigException(fp, "a terminal filter cannot come from ECDS");
    }
    return r.factory().create(r.config(), statPrefix, ctx);
  }
}
