package dev.javoy.proxy.upstream.health;

/** What one check result did to a host's health (Envoy's {@code HealthTransition}). */
public enum HealthTransition {
  UNCHANGED,
  /** The host's health changed. */
  CHANGED,
  /** The result counts towards a threshold that is not reached yet. */
  CHANGE_PENDING
}
