package dev.javoy.proxy.tracing;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * A tracer provider's driver (Envoy's {@code Tracing::Driver}): starts the span of one downstream request from the
 * request's headers (the propagated context, if any) and the connection manager's tracing decision. Built on the
 * main thread, shared by all workers; {@link #startSpan} runs on a worker's event loop and must not block.
 */
public interface Tracer {
  /**
   * @param egress whether the connection manager is outbound (client span) rather than inbound (server span)
   * @param startEpochMicros the request's start, in microseconds since the epoch
   * @param decision the connection manager's decision: a traced reason samples the span unless the propagated
   *     context says otherwise
   */
  Span startSpan(boolean egress, HttpHeaders requestHeaders, String operationName, long startEpochMicros,
      TraceReason decision);

  /** No tracer at all (Envoy's null tracer): decisions are still made and counted, nothing is reported. */
  Tracer NULL = (egress, headers, operationName, start, decision) -> Span.NULL;
}
