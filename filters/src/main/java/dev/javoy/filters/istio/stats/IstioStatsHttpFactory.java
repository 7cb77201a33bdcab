package dev.javoy.filters.istio.stats;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.istio.IstioProxyProtos;
import java.util.List;

/** {@code istio.stats} as an HTTP filter ({@code stats.PluginConfig}): Istio's standard HTTP metrics. */
public final class IstioStatsHttpFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.STATS_PLUGIN_CONFIG);
  }

  @Override
  public List<String> names() {
    return List.of("istio.stats", "envoy.filters.http.istio_stats");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    return of(IstioStatsConfig.from(config, context));
  }

  static HttpFilterConfig of(IstioStatsConfig c) {
    IstioMetrics.Cache cache = new IstioMetrics.Cache(c.stats, c.schema, false);
    return callbacks -> new IstioStatsHttpFilter(c, cache, callbacks);
  }

  /** The HTTP stats filter of a compiled config (the null-VM Wasm mapping builds the config itself). */
  public static HttpFilterConfig fromPluginConfig(Message pluginConfig, FactoryContext context) throws ConfigException {
    return of(IstioStatsConfig.from(pluginConfig, context));
  }
}
