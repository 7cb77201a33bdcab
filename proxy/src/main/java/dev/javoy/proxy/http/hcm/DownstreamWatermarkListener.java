package dev.javoy.proxy.http.hcm;

/**
 * Implemented by a terminal filter (the router) that must pause its upstream when the downstream connection
 * cannot take more response bytes (Envoy's downstream watermark callbacks).
 */
public interface DownstreamWatermarkListener {
  void onDownstreamWritabilityChanged(boolean writable);
}
