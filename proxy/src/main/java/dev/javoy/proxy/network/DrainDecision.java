package dev.javoy.proxy.network;

/**
 * Whether a connection should be drained now (Envoy's {@code DrainDecision}): the HTTP connection manager
 * then answers the current request with {@code Connection: close} and closes the connection afterwards.
 */
public interface DrainDecision {
  DrainDecision NEVER = () -> false;

  boolean drainClose();
}
