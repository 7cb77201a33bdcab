package dev.javoy.proxy.listener;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code listener.<address>.*} stats. */
public final class ListenerStats {
  public final Counter downstreamCxTotal;
  public final Gauge downstreamCxActive;
  public final Counter downstreamCxDestroy;
  public final Counter downstreamCxOverflow;
  public final Counter noFilterChainMatch;
  public final Counter downstreamCxTransportSocketConnectTimeout;
  public final Histogram downstreamCxLengthMs;
  public final Counter downstreamPreCxTimeout;
  public final Gauge downstreamPreCxActive;
  public final Counter downstreamListenerFilterError;
  public final Counter downstreamListenerFilterRemoteClose;

  public ListenerStats(StatsScope scope) {
    downstreamCxTotal = scope.counter("downstream_cx_total");
    downstreamCxActive = scope.gauge("downstream_cx_active");
    downstreamCxDestroy = scope.counter("downstream_cx_destroy");
    downstreamCxOverflow = scope.counter("downstream_cx_overflow");
    noFilterChainMatch = scope.counter("no_filter_chain_match");
    downstreamCxTransportSocketConnectTimeout = scope.counter("downstream_cx_transport_socket_connect_timeout");
    downstreamCxLengthMs = scope.histogram("downstream_cx_length_ms", Histogram.Unit.MILLISECONDS);
    downstreamPreCxTimeout = scope.counter("downstream_pre_cx_timeout");
    downstreamPreCxActive = scope.gauge("downstream_pre_cx_active");
    downstreamListenerFilterError = scope.counter("downstream_listener_filter_error");
    downstreamListenerFilterRemoteClose = scope.counter("downstream_listener_filter_remote_close");
  }
}
