package dev.javoy.proxy.tracing;

/** Why a request is traced or not (Envoy's {@code Tracing::Reason}); the traced ones sample the span. */
public enum TraceReason {
  NOT_TRACEABLE(false),
  HEALTH_CHECK(false),
  SAMPLING(true),
  SERVICE_FORCED(true),
  CLIENT_FORCED(true);

  private final boolean traced;

  TraceReason(boolean traced) {
    this.traced = traced;
  }

  /** Envoy's {@code Decision.traced}. */
  public boolean traced() {
    return traced;
  }
}
