package dev.javoy.proxy.listener;

import java.util.concurrent.CompletableFuture;

/**
 * What an LDS listener waits for besides its TLS secrets before it goes active (Envoy's per-listener init manager):
 * the listener manager brackets the building of each listener with {@link #beginListener} and {@link #endListener},
 * and whatever the listener's filters subscribed to in between (RDS route configurations) becomes a future that
 * completes once all of it arrived or gave up ({@code initial_fetch_timeout}). Main thread only.
 */
public interface ListenerInitTargets {
  /** Nothing to wait for (no xDS). */
  ListenerInitTargets NONE = new ListenerInitTargets() {
    @Override
    public void beginListener() {}

    @Override
    public CompletableFuture<Void> endListener() {
      return CompletableFuture.completedFuture(null);
    }
  };

  /** Starts collecting the init targets of the listener about to be built. */
  void beginListener();

  /** Stops collecting; completes once every target collected since {@link #beginListener} is ready. */
  CompletableFuture<Void> endListener();
}
