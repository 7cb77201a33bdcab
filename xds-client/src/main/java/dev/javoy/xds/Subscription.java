package dev.javoy.xds;

/** A handle on a subscription made with {@link XdsClient#subscribe}. */
public interface Subscription {
  /**
   * Stops delivering to the subscriber and, when no other subscription wants the resource, unsubscribes
   * from the management server. Idempotent; callable from any thread.
   */
  void cancel();
}
