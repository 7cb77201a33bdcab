package dev.javoy.proxy.upstream.health;

/** Why a health check failed (Envoy's {@code HealthCheckFailureType}). */
public enum HealthCheckFailureType {
  /** The host answered, and the answer is a failure: unhealthy at once, whatever unhealthy_threshold says. */
  ACTIVE,
  /** Reported by passive checks (not used by javoy's active checkers). */
  PASSIVE,
  /** The connection failed or broke: counts towards unhealthy_threshold. */
  NETWORK,
  /** No answer within the timeout: counts towards unhealthy_threshold. */
  NETWORK_TIMEOUT
}
