package dev.javoy.filters.network.wasm;

import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import dev.javoy.filters.http.wasm.NullVmPlugin;
import dev.javoy.filters.istio.stats.IstioStatsNetworkFactory;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.network.NetworkFilter;
import io.envoyproxy.envoy.extensions.filters.network.wasm.v3.Wasm;
import java.util.List;
import java.util.Set;

/**
 * {@code envoy.filters.network.wasm} for Istio's null-VM {@code envoy.wasm.stats} plugin only (Istio ≤1.17 TCP
 * metrics): mapped to the native {@code istio.stats} network filter. Any other Wasm config is rejected.
 */
public final class WasmNetworkFilterFactory implements NetworkFilterFactory {
  @Override
  public Message defaultConfig() {
    return Wasm.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.network.wasm");
  }

  @Override
  public List<Message> nestedTypes() {
    return List.of(StringValue.getDefaultInstance());
  }

  @Override
  public NetworkFilter create(Message config, FactoryContext context) throws ConfigException {
    Wasm w = (Wasm) config;
    FieldSupport.check(w, "", Set.of("config"));
    NullVmPlugin plugin = NullVmPlugin.of(w.getConfig(), "config");
    if (plugin.kind() != NullVmPlugin.Kind.STATS) {
      throw new ConfigException("config.vm_config.code", "the null-VM plugin envoy.wasm.metadata_exchange is an "
          + "HTTP filter; as a network filter javoy supports only envoy.wasm.stats");
    }
    return IstioStatsNetworkFactory.fromPluginConfig(plugin.pluginConfig(), context);
  }
}
