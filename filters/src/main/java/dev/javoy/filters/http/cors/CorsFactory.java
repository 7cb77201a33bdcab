package dev.javoy.filters.http.cors;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import java.util.List;
import java.util.Set;

/**
 * {@code envoy.filters.http.cors}: the filter config ({@code Cors}) has no fields; the policies are
 * {@code CorsPolicy} messages in routes' and virtual hosts' {@code typed_per_filter_config}. The route-level
 * {@code cors} field of the route API is not read here.
 */
public final class CorsFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return Cors.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.cors");
  }

  @Override
  public List<Message> nestedTypes() {
    return List.of(CorsPolicy.getDefaultInstance());
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of());
    return new CorsFilterConfig(statPrefix, context.stats());
  }

  @Override
  public Message defaultRouteConfig() {
    return CorsPolicy.getDefaultInstance();
  }

  @Override
  public Object createRouteConfig(Message perRouteConfig, FactoryContext context) throws ConfigException {
    if (!(perRouteConfig instanceof CorsPolicy p)) {
      throw new ConfigException("the CORS filter's per-route config is a "
          + CorsPolicy.getDescriptor().getFullName() + ", not " + perRouteConfig.getDescriptorForType().getFullName());
    }
    return CorsPolicyConfig.of(p, "");
  }
}
