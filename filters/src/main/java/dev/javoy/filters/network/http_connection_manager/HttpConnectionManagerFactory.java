package dev.javoy.filters.network.http_connection_manager;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.http.hcm.HttpConnectionManagerConfig;
import dev.javoy.proxy.http.hcm.HttpConnectionManagerFilter;
import dev.javoy.proxy.network.NetworkFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;

/** {@code envoy.filters.network.http_connection_manager}; the engine lives in {@code dev.javoy.proxy.http.hcm}. */
public final class HttpConnectionManagerFactory implements NetworkFilterFactory {
  @Override
  public Message defaultConfig() {
    return HttpConnectionManager.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.network.http_connection_manager", "envoy.http_connection_manager");
  }

  @Override
  public NetworkFilter create(Message config, FactoryContext context) throws ConfigException {
    return new HttpConnectionManagerFilter(
        HttpConnectionManagerConfig.create((HttpConnectionManager) config, "", context));
  }
}
