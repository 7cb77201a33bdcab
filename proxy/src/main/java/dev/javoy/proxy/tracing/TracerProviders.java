package dev.javoy.proxy.tracing;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.TracerFactory;
import io.envoyproxy.envoy.config.trace.v3.Tracing;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's tracers (Envoy's {@code TracerManager}): the bootstrap's {@code tracing.http}, used by connection
 * managers that name no {@code provider}, and one tracer per distinct provider config, shared by every
 * connection manager that names an equal one (so a tracer's reporters and collector connections exist once).
 */
public final class TracerProviders {
  private final Tracer bootstrap;
  private final Map<io.envoyproxy.envoy.config.trace.v3.Tracing.Http, Tracer> byConfig = new ConcurrentHashMap<>();

  private TracerProviders(Tracer bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** No bootstrap tracer; providers are built (and shared) on demand. */
  public static TracerProviders none() {
    return new TracerProviders(Tracer.NULL);
  }

  /** The bootstrap's {@code tracing}: its {@code http} provider becomes the default tracer. */
  public static TracerProviders fromBootstrap(Tracing tracing, FactoryContext ctx) throws ConfigException {
    dev.javoy.proxy.config.FieldSupport.check(tracing, "tracing", java.util.Set.of("http"));
    if (!tracing.hasHttp()) {
      return none();
    }
    TracerProviders p = none();
    return new TracerProviders(p.provider(tracing.getHttp(), "tracing.http", ctx));
  }

  public Tracer bootstrapTracer() {
    return bootstrap;
  }

  /** The tracer of a {@code provider} (name and {@code typed_config}), built once per distinct config. */
  public Tracer provider(io.envoyproxy.envoy.config.trace.v3.Tracing.Http http, String path, FactoryContext ctx)
      throws ConfigException {
    Tracer t = byConfig.get(http);
    if (t != null) {
      return t;
    }
    dev.javoy.proxy.config.FieldSupport.check(http, path, java.util.Set.of("name", "typed_config"));
    ExtensionResolver.Resolved<TracerFactory> r = ctx.extensions().resolve(TracerFactory.class, path,
        http.getName(), http.hasTypedConfig() ? http.getTypedConfig() : null);
    try {
      t = r.factory().create(r.config(), ctx);
    } catch (ConfigException e) {
      throw e.under(path + ".typed_config");
    }
    Tracer raced = byConfig.putIfAbsent(http, t);
    return raced != null ? raced : t;
  }
}
