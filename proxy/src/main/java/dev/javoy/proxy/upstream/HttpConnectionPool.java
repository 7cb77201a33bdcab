package dev.javoy.proxy.upstream;

/**
 * A worker's connections to one upstream host for one HTTP protocol (Envoy's {@code ConnectionPool::Instance}):
 * HTTP/1.1 keep-alive connections carrying one stream at a time, or multiplexed HTTP/2 connections. Used only
 * on the worker's event loop.
 */
public interface HttpConnectionPool {
  /** The outcome of asking the pool for a stream. */
  interface Callbacks {
    void onPoolReady(UpstreamStream stream);

    void onPoolFailure(PoolFailure failure, String transportFailureReason);
  }

  enum PoolFailure { OVERFLOW, CONNECTION_FAILURE }

  Host host();

  /**
   * Asks for a stream. {@code callbacks} is called now or later, on this loop, unless {@link #cancel} is called
   * first.
   */
  void newStream(Callbacks callbacks);

  /** Withdraws a request still waiting for a stream (the downstream went away or timed out). */
  void cancel(Callbacks callbacks);

  /** Closes idle connections and lets busy ones finish (the host left the cluster). */
  void drain();
}
