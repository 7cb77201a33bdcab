package dev.javoy.proxy.upstream.outlier;

/** What a worker reports about one attempt to a host (Envoy's {@code Upstream::Outlier::Result}). */
public enum OutlierResult {
  /** The connection to the host could not be opened, or was reset before a response (local origin). */
  LOCAL_ORIGIN_CONNECT_FAILED,
  /** The connection opened; the protocol above it decides the rest (HTTP). */
  LOCAL_ORIGIN_CONNECT_SUCCESS,
  /** The connection opened and that is the whole transaction (TCP proxy). */
  LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL,
  /** The host did not answer in time (local origin). */
  LOCAL_ORIGIN_TIMEOUT,
  /** The host answered with a failure (external origin). */
  EXT_ORIGIN_REQUEST_FAILED,
  /** The host answered with a success (external origin). */
  EXT_ORIGIN_REQUEST_SUCCESS
}
