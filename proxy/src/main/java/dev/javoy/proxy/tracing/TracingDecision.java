package dev.javoy.proxy.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The connection manager's tracing decision for one request, as Envoy makes it
 * ({@code ConnectionManagerUtility::mutateTracingRequestHeader}, then {@code shouldTraceRequest}): a request whose
 * {@code x-request-id} already carries a traced reason keeps it; otherwise {@code x-client-trace-id} (subject to
 * {@code client_sampling}), then {@code x-envoy-force-trace}, then {@code random_sampling} decide; finally
 * {@code overall_sampling} may turn any of them off. A request without a usable request id is not traceable.
 */
public final class TracingDecision {
  public static final String X_CLIENT_TRACE_ID = "x-client-trace-id";
  public static final String X_ENVOY_FORCE_TRACE = "x-envoy-force-trace";

  private TracingDecision() {}

  /**
   * @param requestId the request's {@code x-request-id} (after the connection manager generated or kept it)
   * @param route the route's sampling rates, or null for the connection manager's
   */
  public static TraceReason decide(HttpTracingConfig cfg, RouteTracing.Sampling route, HttpHeaders headers,
      CharSequence requestId) {
    long ridValue = UuidTraceStatus.toInteger(requestId);
    if (ridValue < 0) {
      return TraceReason.NOT_TRACEABLE; // Envoy skips a missing or corrupted request id
    }
    long sample = cfg.useRequestIdForSampling ? ridValue % 10_000 : ThreadLocalRandom.current().nextLong(10_000);
    SamplingFraction client = route != null ? route.client() : cfg.clientSampling;
    SamplingFraction random = route != null ? route.random() : cfg.randomSampling;
    SamplingFraction overall = route != null ? route.overall() : cfg.overallSampling;
    TraceReason reason = cfg.packTraceReason ? UuidTraceStatus.reasonOf(requestId) : TraceReason.NOT_TRACEABLE;
    if (reason == TraceReason.NOT_TRACEABLE) {
      if (headers.contains(X_CLIENT_TRACE_ID)
          && client.enabled(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE))) {
        reason = TraceReason.CLIENT_FORCED;
      } else if (headers.contains(X_ENVOY_FORCE_TRACE)) {
        reason = TraceReason.SERVICE_FORCED;
      } else if (random.enabled(sample)) {
        reason = TraceReason.SAMPLING;
      }
    }
    if (!overall.enabled(sample)) {
      reason = TraceReason.NOT_TRACEABLE;
    }
    return reason;
  }
}
