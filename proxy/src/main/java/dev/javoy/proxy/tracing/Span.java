package dev.javoy.proxy.tracing;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * One span of a trace (Envoy's {@code Tracing::Span}), used only on the stream's event loop. A tracer decides
 * what its context looks like on the wire ({@link #injectContext}) and where finished spans go.
 */
public interface Span {
  /** Replaces the span's name (a route {@code decorator}, or {@code x-envoy-decorator-operation}). */
  void setOperation(String operation);

  void setTag(String name, String value);

  /** Records a timed event on the span (Envoy's {@code Span::log}, used for {@code verbose} timing). */
  default void log(long epochMicros, String event) {}

  /** Adds this span's context to the headers of the request about to go upstream. */
  void injectContext(HttpHeaders headers);

  /** Ends the span; a sampled one is handed to the tracer's reporter. */
  void finishSpan();

  /** Whether the span will be reported (tags are only worth computing when it will). */
  boolean sampled();

  /** Envoy's {@code NullSpanImpl}: what every request gets when the connection manager has no tracer. */
  Span NULL = new Span() {
    @Override
    public void setOperation(String operation) {}

    @Override
    public void setTag(String name, String value) {}

    @Override
    public void injectContext(HttpHeaders headers) {}

    @Override
    public void finishSpan() {}

    @Override
    public boolean sampled() {
      return false;
    }
  };
}
