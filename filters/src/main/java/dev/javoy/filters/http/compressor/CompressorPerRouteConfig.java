package dev.javoy.filters.http.compressor;

import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.CompressorPerRoute;

/**
 * {@code CompressorPerRoute} on a route or virtual host: each value, when not null, overrides the filter's.
 *
 * @param responseCompressionEnabled false for {@code disabled}, true when {@code overrides} has a
 *     {@code response_direction_config}
 */
record CompressorPerRouteConfig(Boolean responseCompressionEnabled, Boolean removeAcceptEncodingHeader) {
  static CompressorPerRouteConfig of(CompressorPerRoute p) {
    return switch (p.getOverrideCase()) {
      case DISABLED -> new CompressorPerRouteConfig(false, null);
      case OVERRIDES -> {
        if (!p.getOverrides().hasResponseDirectionConfig()) {
          yield new CompressorPerRouteConfig(null, null);
        }
        var r = p.getOverrides().getResponseDirectionConfig();
        yield new CompressorPerRouteConfig(true,
            r.hasRemoveAcceptEncodingHeader() ? r.getRemoveAcceptEncodingHeader().getValue() : null);
      }
      default -> new CompressorPerRouteConfig(null, null);
    };
  }
}
