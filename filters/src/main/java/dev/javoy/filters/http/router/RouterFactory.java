package dev.javoy.filters.http.router;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.http.router.RouterConfig;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import java.util.List;

/** {@code envoy.filters.http.router}, the terminal HTTP filter; the engine is {@code dev.javoy.proxy.http.router}. */
public final class RouterFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return Router.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.router", "envoy.router");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    return RouterConfig.create((Router) config, statPrefix, context);
  }

  @Override
  public boolean terminal() {
    return true;
  }
}
