package dev.javoy.filters.http.fault;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.util.List;

/**
 * {@code envoy.filters.http.fault}: delays and aborts requests and rate limits response bodies. Its per-route
 * config ({@code typed_per_filter_config}) is an {@code HTTPFault} too, replacing the filter's settings for the
 * route or virtual host.
 */
public final class FaultFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return HTTPFault.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.fault");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    return new FaultFilterConfig(FaultSettings.of((HTTPFault) config, ""), statPrefix, context.stats(),
        System::nanoTime);
  }

  @Override
  public Object createRouteConfig(Message perRouteConfig, FactoryContext context) throws ConfigException {
    return FaultSettings.of((HTTPFault) perRouteConfig, "");
  }
}
