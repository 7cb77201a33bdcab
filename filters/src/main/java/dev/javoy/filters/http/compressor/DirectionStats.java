package dev.javoy.filters.http.compressor;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/**
 * The counters of one direction of a compressor filter (Envoy's {@code COMMON_COMPRESSOR_STATS}), rooted at
 * {@code http.<stat_prefix>.compressor.<library name>.<library prefix>[request.|response.]}.
 */
record DirectionStats(Counter compressed, Counter notCompressed, Counter totalUncompressedBytes,
    Counter totalCompressedBytes, Counter contentLengthTooSmall) {
  static DirectionStats create(StatsScope scope) {
    return new DirectionStats(scope.counter("compressed"), scope.counter("not_compressed"),
        scope.counter("total_uncompressed_bytes"), scope.counter("total_compressed_bytes"),
        scope.counter("content_length_too_small"));
  }
}
