package dev.javoy.filters.istio.stats;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.istio.IstioProxyProtos;
import dev.javoy.proxy.network.NetworkFilter;
import java.util.List;

/** {@code istio.stats} as a network filter ({@code stats.PluginConfig}): Istio's standard TCP metrics. */
public final class IstioStatsNetworkFactory implements NetworkFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.STATS_PLUGIN_CONFIG);
  }

  @Override
  public List<String> names() {
    return List.of("istio.stats", "envoy.filters.network.istio_stats");
  }

  @Override
  public NetworkFilter create(Message config, FactoryContext context) throws ConfigException {
    return fromPluginConfig(config, context);
  }

  /** The TCP stats filter of a plugin config (the null-VM Wasm mapping builds the config itself). */
  public static NetworkFilter fromPluginConfig(Message config, FactoryContext context) throws ConfigException {
    IstioStatsConfig c = IstioStatsConfig.from(config, context);
    IstioMetrics.Cache cache = new IstioMetrics.Cache(c.stats, c.schema, true);
    return connection -> connection.channel().pipeline().addLast(new IstioTcpStatsHandler(c, cache, connection));
  }
}
