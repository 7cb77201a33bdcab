package dev.javoy.filters.http.local_ratelimit;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.util.List;

/**
 * {@code envoy.filters.http.local_ratelimit}: a token bucket rate limit per process (shared by all workers,
 * lock-free) or per downstream connection. A route's or virtual host's {@code typed_per_filter_config} (a
 * {@code LocalRateLimit} with its own token bucket) replaces the filter's config there.
 */
public final class LocalRateLimitFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return LocalRateLimit.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.local_ratelimit");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    LocalRateLimitSettings settings =
        LocalRateLimitSettings.of((LocalRateLimit) config, false, "", context.stats(), System::nanoTime);
    return callbacks -> new LocalRateLimitFilter(settings, callbacks);
  }

  @Override
  public Object createRouteConfig(Message perRouteConfig, FactoryContext context) throws ConfigException {
    return LocalRateLimitSettings.of((LocalRateLimit) perRouteConfig, true, "", context.stats(), System::nanoTime);
  }
}
