package dev.javoy.filters.http.wasm;

import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import dev.javoy.filters.istio.metadata_exchange.PeerMetadataFilterConfig;
import dev.javoy.filters.istio.stats.IstioStatsHttpFactory;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.istio.LocalWorkload;
import io.envoyproxy.envoy.extensions.filters.http.wasm.v3.Wasm;
import java.util.List;
import java.util.Set;

/**
 * {@code envoy.filters.http.wasm} for Istio's null-VM plugins only (see {@link NullVmPlugin}):
 * {@code envoy.wasm.metadata_exchange} becomes the native HTTP metadata exchange (directions from the listener's
 * {@code traffic_direction}, as the plugin), {@code envoy.wasm.stats} the native {@code istio.stats}.
 */
public final class WasmHttpFilterFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return Wasm.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.wasm");
  }

  @Override
  public List<Message> nestedTypes() {
    return List.of(StringValue.getDefaultInstance());
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    Wasm w = (Wasm) config;
    FieldSupport.check(w, "", Set.of("config"));
    NullVmPlugin plugin = NullVmPlugin.of(w.getConfig(), "config");
    return switch (plugin.kind()) {
      case METADATA_EXCHANGE -> PeerMetadataFilterConfig.legacyWasm(LocalWorkload.of(context.localNode()),
          context.trafficDirection());
      case STATS -> IstioStatsHttpFactory.fromPluginConfig(plugin.pluginConfig(), context);
    };
  }
}
