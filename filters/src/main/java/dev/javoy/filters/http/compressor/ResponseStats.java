package dev.javoy.filters.http.compressor;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/**
 * The response-only counters of a compressor filter (Envoy's {@code RESPONSE_COMPRESSOR_STATS}), rooted at
 * {@code http.<stat_prefix>.compressor.<library name>.<library prefix>} (no direction part).
 */
record ResponseStats(Counter noAcceptHeader, Counter headerIdentity, Counter headerCompressorUsed,
    Counter headerCompressorOvershadowed, Counter headerWildcard, Counter headerNotValid, Counter notCompressedEtag) {
  static ResponseStats create(StatsScope scope) {
    return new ResponseStats(scope.counter("no_accept_header"), scope.counter("header_identity"),
        scope.counter("header_compressor_used"), scope.counter("header_compressor_overshadowed"),
        scope.counter("header_wildcard"), scope.counter("header_not_valid"), scope.counter("not_compressed_etag"));
  }
}
