package dev.javoy.filters.compression;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.ExtensionRegistry;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterManager;
import java.util.List;

/**
 * Builds HTTP filters and compression libraries from JSON configs through the real extension registry, with
 * their stats in a store of the harness (an HCM with {@code stat_prefix: test}).
 */
public final class FilterHarness {
  public static final ExtensionRegistry REGISTRY = ExtensionRegistry.load(List.of());
  public static final String STAT_PREFIX = "http.test.";

  record Context(StatsStore stats, ExtensionResolver extensions, ClusterManager clusterManager,
      ServerOptions options, String listenerStatPrefix) implements FactoryContext {}

  public final StatsStore stats = new StatsStore();
  public final FactoryContext ctx = new Context(stats, new ExtensionResolver(REGISTRY), null,
      ServerOptions.defaults(), "listener.test.");

  /** An {@code Any} given as JSON with its {@code @type}. */
  public static Any any(String json) {
    try {
      Any.Builder b = Any.newBuilder();
      JsonFormat.parser().usingTypeRegistry(REGISTRY.typeRegistry()).merge(json, b);
      return b.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** The HTTP filter whose {@code typed_config} is {@code json}, as a connection manager would build it. */
  public HttpFilterConfig httpFilter(String json) throws ConfigException {
    Any any = any(json);
    ExtensionResolver.Resolved<HttpFilterFactory> r =
        ctx.extensions().resolve(HttpFilterFactory.class, "filter", "f", any);
    return r.factory().create(r.config(), STAT_PREFIX, ctx);
  }

  /** A route's {@code typed_per_filter_config} for the filter whose per-route config type {@code json} has. */
  public Object perRoute(String json, HttpFilterFactory factory) throws ConfigException {
    Any any = any(json);
    Message m;
    try {
      m = factory.defaultRouteConfig().getParserForType().parseFrom(any.getValue());
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
    return factory.createRouteConfig(m, ctx);
  }

  /** The value of a counter, failing when it does not exist. */
  public long counter(String name) {
    var s = stats.find(name);
    if (s == null) {
      throw new AssertionError("no stat " + name);
    }
    return ((dev.javoy.proxy.stats.Counter) s).value();
  }
}
