package dev.javoy.filters.http.decompressor;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/**
 * The counters of one direction of a decompressor filter (Envoy's {@code ALL_DECOMPRESSOR_STATS}), rooted at
 * {@code http.<stat_prefix>.decompressor.<library name>.<library prefix>request.|response.}.
 */
record DecompressorStats(Counter decompressed, Counter notDecompressed, Counter totalUncompressedBytes,
    Counter totalCompressedBytes) {
  static DecompressorStats create(StatsScope scope) {
    return new DecompressorStats(scope.counter("decompressed"), scope.counter("not_decompressed"),
        scope.counter("total_uncompressed_bytes"), scope.counter("total_compressed_bytes"));
  }
}
