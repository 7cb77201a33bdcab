package dev.javoy.proxy.http.h2;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;
import dev.javoy.proxy.stats.StatsStore;

/**
 * Envoy's HTTP/2 codec stats: {@code http2.*} at the root scope for downstream connections (shared by every
 * connection manager, as in Envoy) and {@code cluster.<name>.http2.*} for upstream connections.
 */
public final class Http2CodecStats {
  public final Counter droppedHeadersWithUnderscores;
  public final Counter goawaySent;
  public final Counter goawayGracefulSent;
  public final Counter headerOverflow;
  public final Counter headersCbNoStream;
  public final Counter inboundEmptyFramesFlood;
  public final Counter inboundPriorityFramesFlood;
  public final Counter inboundWindowUpdateFramesFlood;
  public final Counter keepaliveTimeout;
  public final Counter metadataEmptyFrames;
  public final Counter outboundControlFlood;
  public final Counter outboundFlood;
  public final Counter requestsRejectedWithUnderscoresInHeaders;
  public final Counter rxMessagingError;
  public final Counter rxReset;
  public final Counter streamRefusedErrors;
  public final Counter trailers;
  public final Counter txFlushTimeout;
  public final Counter txReset;
  public final Gauge streamsActive;
  public final Gauge pendingSendBytes;
  public final Gauge deferredStreamClose;
  public final Gauge outboundFramesActive;
  public final Gauge outboundControlFramesActive;

  public Http2CodecStats(StatsScope http2) {
    droppedHeadersWithUnderscores = http2.counter("dropped_headers_with_underscores");
    goawaySent = http2.counter("goaway_sent");
    goawayGracefulSent = http2.counter("goaway_graceful_sent");
    headerOverflow = http2.counter("header_overflow");
    headersCbNoStream = http2.counter("headers_cb_no_stream");
    inboundEmptyFramesFlood = http2.counter("inbound_empty_frames_flood");
    inboundPriorityFramesFlood = http2.counter("inbound_priority_frames_flood");
    inboundWindowUpdateFramesFlood = http2.counter("inbound_window_update_frames_flood");
    keepaliveTimeout = http2.counter("keepalive_timeout");
    metadataEmptyFrames = http2.counter("metadata_empty_frames");
    outboundControlFlood = http2.counter("outbound_control_flood");
    outboundFlood = http2.counter("outbound_flood");
    requestsRejectedWithUnderscoresInHeaders = http2.counter("requests_rejected_with_underscores_in_headers");
    rxMessagingError = http2.counter("rx_messaging_error");
    rxReset = http2.counter("rx_reset");
    streamRefusedErrors = http2.counter("stream_refused_errors");
    trailers = http2.counter("trailers");
    txFlushTimeout = http2.counter("tx_flush_timeout");
    txReset = http2.counter("tx_reset");
    streamsActive = http2.gauge("streams_active");
    pendingSendBytes = http2.gauge("pending_send_bytes");
    deferredStreamClose = http2.gauge("deferred_stream_close");
    outboundFramesActive = http2.gauge("outbound_frames_active");
    outboundControlFramesActive = http2.gauge("outbound_control_frames_active");
  }

  /** The downstream codec stats of the process ({@code http2.*}); creating them again returns the same stats. */
  public static Http2CodecStats downstream(StatsStore store) {
    return new Http2CodecStats(store.scope("http2."));
  }
}
