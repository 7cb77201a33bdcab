package dev.javoy.filters.istio.metadata_exchange;

import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.istio.PeerKeys;
import dev.javoy.proxy.istio.PeerMetadata;
import dev.javoy.proxy.istio.PeerMetadataHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One stream of Istio's HTTP metadata exchange: on the request, takes the downstream peer from (and removes)
 * {@code x-envoy-peer-metadata}/{@code -id} and adds this workload's for the upstream; on the response, the same
 * the other way. The peers go to the stream's filter state ({@code downstream_peer}, {@code upstream_peer}) for
 * {@code istio.stats}.
 */
final class PeerMetadataFilter implements HttpFilter {
  private final PeerMetadataFilterConfig config;
  private final HttpFilterCallbacks callbacks;

  PeerMetadataFilter(PeerMetadataFilterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    HttpHeaders h = request.headers();
    if (config.downstreamDiscovery()) {
      PeerMetadata peer = take(h);
      if (peer != null) {
        callbacks.streamInfo().filterState().set(PeerKeys.DOWNSTREAM_PEER, peer);
      }
    }
    if (config.upstreamPropagation()) {
      put(h);
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    HttpHeaders h = response.headers();
    if (config.upstreamDiscovery()) {
      PeerMetadata peer = take(h);
      if (peer != null) {
        callbacks.streamInfo().filterState().set(PeerKeys.UPSTREAM_PEER, peer);
      }
    }
    if (config.downstreamPropagation()) {
      put(h);
    }
    return FilterStatus.CONTINUE;
  }

  private static PeerMetadata take(HttpHeaders h) {
    String metadata = h.get(PeerMetadataHeaders.METADATA);
    String id = h.get(PeerMetadataHeaders.METADATA_ID);
    if (metadata == null && id == null) {
      return null;
    }
    h.remove(PeerMetadataHeaders.METADATA);
    h.remove(PeerMetadataHeaders.METADATA_ID);
    return PeerMetadataHeaders.peer(id, metadata);
  }

  private void put(HttpHeaders h) {
    h.set(PeerMetadataHeaders.METADATA, config.local().headerValue());
    if (!config.local().id().isEmpty()) {
      h.set(PeerMetadataHeaders.METADATA_ID, config.local().id());
    }
  }
}
