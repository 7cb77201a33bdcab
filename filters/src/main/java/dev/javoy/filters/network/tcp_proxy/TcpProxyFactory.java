package dev.javoy.filters.network.tcp_proxy;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.network.NetworkFilter;
import dev.javoy.proxy.tcp.TcpProxyConfig;
import dev.javoy.proxy.tcp.TcpProxyFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;

/** {@code envoy.filters.network.tcp_proxy}: proxies each connection's bytes to an upstream cluster. */
public final class TcpProxyFactory implements NetworkFilterFactory {
  @Override
  public Message defaultConfig() {
    return TcpProxy.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.network.tcp_proxy", "envoy.tcp_proxy");
  }

  @Override
  public NetworkFilter create(Message config, FactoryContext context) throws ConfigException {
    return new TcpProxyFilter(TcpProxyConfig.from((TcpProxy) config, context), context);
  }
}
