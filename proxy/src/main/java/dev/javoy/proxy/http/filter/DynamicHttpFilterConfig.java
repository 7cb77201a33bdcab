package dev.javoy.proxy.http.filter;

import com.google.protobuf.Any;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.ResponseFlag;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP filter whose config comes from ECDS ({@code config_discovery} in an HCM {@code http_filters} entry, Envoy's
 * {@code DynamicFilterConfigProvider}): each new stream gets a filter from the config in force; a newly discovered
 * config applies to the next stream. Before any config (and without {@code default_config}) a stream gets Envoy's
 * missing-config reply: 500 with {@code NFCF}. Updated on the main thread, read by workers.
 */
public final class DynamicHttpFilterConfig implements HttpFilterConfig {
  /** Builds a filter config from a discovered (or default) typed config. */
  public interface Builder {
    HttpFilterConfig build(Any typedConfig) throws ConfigException;
  }

  private final String name;
  private final Set<String> typeUrls;
  private final Builder builder;
  private final HttpFilterConfig defaultConfig;
  private final CompletableFuture<Void> initialized = new CompletableFuture<>();
  private volatile HttpFilterConfig current;

  public DynamicHttpFilterConfig(String name, Set<String> typeUrls, Builder builder, HttpFilterConfig defaultConfig) {
    this.name = name;
    this.typeUrls = typeUrls;
    this.builder = builder;
    this.defaultConfig = defaultConfig;
    this.current = defaultConfig;
  }

  /** The name of the discovered resource (the filter's name). */
  public String name() {
    return name;
  }

  /**
   * Builds a discovered config without installing it: a type not in {@code type_urls}, or a config that fails to
   * build, is an error (the update is NACKed).
   */
  public HttpFilterConfig prepare(String typeUrl, Any typedConfig) throws ConfigException {
    if (!typeUrls.contains(typeUrl)) {
      throw new ConfigException("Error: filter config has type URL " + typeUrl + " but expect "
          + String.join(", ", new java.util.TreeSet<>(typeUrls)) + ".");
    }
    return builder.build(typedConfig);
  }

  /** Puts a prepared config in force for new streams; the listener no longer warms on it. */
  public void install(HttpFilterConfig config) {
    current = config;
    initialized.complete(null);
  }

  /** The resource was removed (or never arrived in time): back to the default config, if any. */
  public void fallBack() {
    current = defaultConfig;
    initialized.complete(null);
  }

  /** Completes once a config arrived or the resource is known absent (the listener's init target). */
  public CompletableFuture<Void> initialized() {
    return initialized;
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    HttpFilterConfig c = current;
    if (c != null) {
      return c.newFilter(callbacks);
    }
    return new HttpFilter() {
      @Override
      public FilterStatus decodeHeaders(io.netty.handler.codec.http.HttpRequest request, boolean endStream) {
        callbacks.sendLocalReply(500, "", ResponseFlag.NO_FILTER_CONFIG_FOUND, "missing_filter_config");
        return FilterStatus.STOP_ITERATION;
      }
    };
  }
}
