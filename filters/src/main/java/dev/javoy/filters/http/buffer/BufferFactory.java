package dev.javoy.filters.http.buffer;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.Counter;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.BufferPerRoute;
import java.util.List;

/**
 * {@code envoy.filters.http.buffer}: buffers whole requests up to {@code max_request_bytes}; routes and virtual
 * hosts may disable it or change the limit with a {@code BufferPerRoute}. Over the limit it counts
 * {@code http.<stat_prefix>.downstream_rq_too_large}, as Envoy's connection manager.
 */
public final class BufferFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return Buffer.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.buffer");
  }

  @Override
  public List<Message> nestedTypes() {
    return List.of(BufferPerRoute.getDefaultInstance());
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    BufferSettings settings = BufferSettings.of((Buffer) config, "");
    Counter tooLarge = context.stats().counter(statPrefix + "downstream_rq_too_large");
    return callbacks -> new BufferFilter(settings, tooLarge, callbacks);
  }

  @Override
  public Message defaultRouteConfig() {
    return BufferPerRoute.getDefaultInstance();
  }

  @Override
  public Object createRouteConfig(Message perRouteConfig, FactoryContext context) throws ConfigException {
    if (!(perRouteConfig instanceof BufferPerRoute p)) {
      throw new ConfigException("the buffer filter's per-route config is a "
          + BufferPerRoute.getDescriptor().getFullName() + ", not "
          + perRouteConfig.getDescriptorForType().getFullName());
    }
    return BufferSettings.of(p, "");
  }
}
