package dev.javoy.filters.tracers.zipkin;

import dev.javoy.proxy.tracing.Span;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Zipkin span of one request on one worker: a server span (ingress) or a client span (egress). Tags are
 * kept only when it is sampled; a sampled span goes to its worker's reporter when it finishes.
 */
final class ZipkinSpan implements Span {
  private final ZipkinTracer tracer;
  final long traceIdHigh;
  final long traceId;
  final long id;
  final long parentId;
  /** CLIENT (egress) or SERVER (ingress). */
  final boolean client;
  /** A server span that reuses the client's span id ({@code shared_span_context}). */
  final boolean shared;
  final boolean sampled;
  final long timestampMicros;
  private final long startNanos;
  long durationMicros;
  String name;
  Map<String, String> tags;
  /** Timed events ({@code verbose}) as {@code [micros, value]} pairs, or null. */
  java.util.List<Object[]> annotations;

  ZipkinSpan(ZipkinTracer tracer, String name, long traceIdHigh, long traceId, long id, long parentId, boolean client,
      boolean shared, boolean sampled, long timestampMicros) {
    this.tracer = tracer;
    this.name = name;
    this.traceIdHigh = traceIdHigh;
    this.traceId = traceId;
    this.id = id;
    this.parentId = parentId;
    this.client = client;
    this.shared = shared;
    this.sampled = sampled;
    this.timestampMicros = timestampMicros;
    this.startNanos = System.nanoTime();
  }

  String traceIdHex() {
    return traceIdHigh != 0 ? B3Propagation.hex(traceIdHigh) + B3Propagation.hex(traceId) : B3Propagation.hex(traceId);
  }

  @Override
  public void setOperation(String operation) {
    this.name = operation;
  }

  @Override
  public void setTag(String name, String value) {
    if (!sampled) {
      return;
    }
    if (tags == null) {
      tags = new LinkedHashMap<>();
    }
    tags.put(name, value);
  }

  @Override
  public void log(long epochMicros, String event) {
    if (!sampled) {
      return;
    }
    if (annotations == null) {
      annotations = new java.util.ArrayList<>(8);
    }
    annotations.add(new Object[] {epochMicros, event});
  }

  @Override
  public void injectContext(HttpHeaders headers) {
    B3Propagation.inject(headers, this);
  }

  @Override
  public void finishSpan() {
    if (!sampled) {
      return;
    }
    durationMicros = Math.max(1, (System.nanoTime() - startNanos) / 1000);
    tracer.report(this);
  }

  @Override
  public boolean sampled() {
    return sampled;
  }
}
