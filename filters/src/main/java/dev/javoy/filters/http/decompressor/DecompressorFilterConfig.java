package dev.javoy.filters.http.decompressor;

import dev.javoy.filters.compression.CompressionLibraries;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.DecompressorLibrary;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;
import io.envoyproxy.envoy.extensions.filters.http.decompressor.v3.Decompressor;
import io.envoyproxy.envoy.extensions.filters.http.decompressor.v3.Decompressor.CommonDirectionConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** A compiled {@code envoy.filters.http.decompressor} config, shared by all workers. */
final class DecompressorFilterConfig implements HttpFilterConfig {
  static final Set<String> SUPPORTED = Set.of("decompressor_library", "request_direction_config",
      "response_direction_config");

  /** One direction's settings (Envoy's {@code CommonDirectionConfig}) and counters. */
  record Direction(boolean enabled, boolean ignoreNoTransformHeader, DecompressorStats stats) {
    static Direction create(CommonDirectionConfig c, StatsScope scope, String path) throws ConfigException {
      return new Direction(ConfigValues.enabled(c.hasEnabled(), c.getEnabled(), path + ".enabled"),
          c.getIgnoreNoTransformHeader(), DecompressorStats.create(scope));
    }
  }

  final DecompressorLibrary library;
  final String contentEncoding;
  final Direction request;
  final Direction response;
  final boolean advertiseAcceptEncoding;
  /** The library's error counters by name ({@code ...decompressor_library.<name>}). */
  final Map<String, Counter> libraryErrors;

  private DecompressorFilterConfig(DecompressorLibrary library, Direction request, Direction response,
      boolean advertiseAcceptEncoding, Map<String, Counter> libraryErrors) {
    this.library = library;
    this.contentEncoding = library.contentEncoding();
    this.request = request;
    this.response = response;
    this.advertiseAcceptEncoding = advertiseAcceptEncoding;
    this.libraryErrors = libraryErrors;
  }

  /**
   * @param statPrefix the connection manager's {@code http.<stat_prefix>.}
   * @throws ConfigException with a path relative to the filter's {@code typed_config}
   */
  static DecompressorFilterConfig create(Decompressor p, String statPrefix, FactoryContext ctx)
      throws ConfigException {
    FieldSupport.check(p, "", SUPPORTED);
    if (!p.hasDecompressorLibrary()) {
      throw new ConfigException("decompressor_library", "value is required");
    }
    DecompressorLibrary library = CompressionLibraries.decompressor(p.getDecompressorLibrary(),
        "decompressor_library", ctx);
    StatsScope root = ctx.stats().scope(statPrefix + "decompressor." + p.getDecompressorLibrary().getName() + "."
        + library.statsPrefix());
    var rq = p.getRequestDirectionConfig();
    Direction request = Direction.create(rq.getCommonConfig(), root.scope("request."),
        "request_direction_config.common_config");
    Direction response = Direction.create(p.getResponseDirectionConfig().getCommonConfig(), root.scope("response."),
        "response_direction_config.common_config");
    Map<String, Counter> errors = new HashMap<>();
    StatsScope lib = root.scope("decompressor_library.");
    for (String name : library.errorStats()) {
      errors.put(name, lib.counter(name));
    }
    boolean advertise = !rq.hasAdvertiseAcceptEncoding() || rq.getAdvertiseAcceptEncoding().getValue();
    return new DecompressorFilterConfig(library, request, response, advertise, Map.copyOf(errors));
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new DecompressorFilter(this, callbacks);
  }
}
