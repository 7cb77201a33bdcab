package dev.javoy.filters.istio.metadata_exchange;

import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.istio.LocalWorkload;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;

/**
 * Istio's HTTP metadata exchange, compiled: which directions discover the peer from the
 * {@code x-envoy-peer-metadata} headers (and strip them) and which propagate this workload's own headers. Built
 * from {@code io.istio.http.peer_metadata.Config} (Istio 1.20+) or from the null-VM Wasm plugin
 * {@code envoy.wasm.metadata_exchange} (Istio 1.18 and older, by the listener's direction).
 */
public record PeerMetadataFilterConfig(LocalWorkload local, boolean downstreamDiscovery, boolean downstreamPropagation,
    boolean upstreamDiscovery, boolean upstreamPropagation) implements HttpFilterConfig {

  /**
   * The Wasm-era plugin: always discovers (and strips) the peer headers on requests and responses; adds its own to
   * requests unless the listener is inbound and to responses unless it is outbound.
   */
  public static PeerMetadataFilterConfig legacyWasm(LocalWorkload local, TrafficDirection direction) {
    return new PeerMetadataFilterConfig(local, true, direction != TrafficDirection.OUTBOUND, true,
        direction != TrafficDirection.INBOUND);
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new PeerMetadataFilter(this, callbacks);
  }
}
