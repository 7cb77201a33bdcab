package dev.javoy.proxy.tracing;

import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The tracing of one downstream request (Envoy's {@code ActiveStream::traceRequest} and the tracing parts of its
 * {@code encodeHeaders} and completion): the decision, packed into {@code x-request-id}; the active span, named by
 * the route's decorator; {@code x-envoy-decorator-operation}; the span's tags at the end. Exists only when the
 * connection manager has {@code tracing}; lives on the stream's event loop.
 */
public final class StreamTracing {
  public static final String X_REQUEST_ID = "x-request-id";
  public static final String X_ENVOY_DECORATOR_OPERATION = "x-envoy-decorator-operation";

  private final HttpTracingConfig config;
  private final Span span;
  private final TraceReason reason;
  /** The decorator's operation while it should go out in {@code x-envoy-decorator-operation}, or null. */
  private String decoratedOperation;
  private boolean propagate;

  private StreamTracing(HttpTracingConfig config, Span span, TraceReason reason) {
    this.config = config;
    this.span = span;
    this.reason = reason;
  }

  /** Decides, starts the span, and leaves it in {@code info.activeSpan} for the router to inject upstream. */
  public static StreamTracing start(HttpTracingConfig cfg, Route route, HttpRequest req, StreamInfo info) {
    HttpHeaders h = req.headers();
    RouteTracing rt = route == null ? RouteTracing.NONE : route.tracing();
    TraceReason reason = TracingDecision.decide(cfg, rt.sampling(), h, info.requestId);
    if (cfg.packTraceReason && info.requestId != null) {
      CharSequence packed = UuidTraceStatus.withReason(info.requestId, reason);
      if (packed != info.requestId) { // (the same id when it already says so)
        info.requestId = packed;
        h.set(X_REQUEST_ID, packed);
      }
    }
    cfg.stats.charge(reason);
    String name = cfg.egress ? "egress " + nonNull(h.get(HttpHeaderNames.HOST)) : "ingress";
    Span span = cfg.tracer.startSpan(cfg.egress, h, name, info.startTimeEpochMillis * 1000, reason);
    StreamTracing t = new StreamTracing(cfg, span, reason);
    if (span.sampled()) {
      span.setTag(Tags.NODE_ID, cfg.nodeId);
      span.setTag(Tags.ZONE, cfg.zone);
    }
    if (rt.operation() != null) {
      span.setOperation(rt.operation());
      t.decoratedOperation = rt.operation();
      t.propagate = rt.propagate();
    }
    if (cfg.egress) {
      if (t.decoratedOperation != null && t.propagate) {
        h.set(X_ENVOY_DECORATOR_OPERATION, t.decoratedOperation);
      }
    } else {
      String override = h.get(X_ENVOY_DECORATOR_OPERATION);
      if (override != null) {
        if (!override.isEmpty()) {
          span.setOperation(override);
          t.decoratedOperation = null;
        }
        h.remove(X_ENVOY_DECORATOR_OPERATION);
      }
    }
    info.activeSpan = span;
    return t;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  public TraceReason reason() {
    return reason;
  }

  public Span span() {
    return span;
  }

  /** Ingress: the decorator's operation goes back to the client; egress: the upstream's one renames the span. */
  public void onResponseHeaders(HttpHeaders headers) {
    if (!config.egress) {
      if (decoratedOperation != null && propagate) {
        headers.set(X_ENVOY_DECORATOR_OPERATION, decoratedOperation);
      }
    } else {
      String override = headers.get(X_ENVOY_DECORATOR_OPERATION);
      if (override != null) {
        if (!override.isEmpty()) {
          span.setOperation(override);
        }
        headers.remove(X_ENVOY_DECORATOR_OPERATION);
      }
    }
  }

  /** The stream is over: Envoy's standard and custom tags on a sampled span, then the span ends. */
  public void finish(StreamInfo info, Route route) {
    if (span.sampled()) {
      HttpSpanTags.finalizeDownstreamSpan(span, info, config, route);
    }
    span.finishSpan();
  }
}
