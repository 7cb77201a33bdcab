package dev.javoy.filters.tracers.zipkin;

/**
 * A span context propagated in B3 headers. {@code traceIdHigh} is 0 for 64-bit trace ids; {@code parentId} 0 when
 * absent.
 */
record ZipkinSpanContext(long traceIdHigh, long traceId, long spanId, long parentId) {}
