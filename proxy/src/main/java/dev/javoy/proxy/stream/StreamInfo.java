package dev.javoy.proxy.stream;

import dev.javoy.proxy.event.LoopClock;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.net.SocketAddress;

/**
 * What happened to one stream (an HTTP request/response, or a TCP connection): the facts access logs,
 * local replies and stats read (Envoy's {@code StreamInfo}). Written only by the worker that owns the
 * stream; times are {@link System#nanoTime()} values as of the loop turn ({@link LoopClock}), 0 meaning "not yet".
 *
 * <p>An HTTP connection manager reuses one for the streams of a worker ({@link #reset}), so nothing may keep a
 * reference to it after the stream's access logs ran: what outlives the stream copies the values it needs.
 */
public final class StreamInfo {
  /** When the stream started; set again by {@link #reset} (read-only for everyone else). */
  public long startTimeEpochMillis = LoopClock.currentTimeMillis();
  public long startNanos = LoopClock.nanoTime();

  public String protocol;
  public HttpRequest requestHeaders;
  public HttpResponse responseHeaders;
  public HttpHeaders responseTrailers;
  public int responseCode;
  public String responseCodeDetails;
  public String connectionTerminationDetails;
  public long responseFlags;
  public long bytesReceived;
  public long bytesSent;
  /** The request's x-request-id as the connection manager kept or generated it (a String only when one is asked for). */
  public CharSequence requestId;
  public String routeName;
  public String virtualHostName;
  public String upstreamClusterName;
  public SocketAddress upstreamHostAddress;
  public String upstreamHostname;
  public SocketAddress upstreamLocalAddress;
  public String upstreamTransportFailureReason;
  public SocketAddress downstreamLocalAddress;
  public SocketAddress downstreamRemoteAddress;
  public SocketAddress downstreamDirectRemoteAddress;
  public String requestedServerName;
  /** The downstream connection's TLS facts (filled at handshake), or null on plaintext. */
  public dev.javoy.proxy.tls.TlsConnectionInfo downstreamTls;
  /** The upstream connection's TLS facts, or null on plain TCP (or before an upstream connection). */
  public dev.javoy.proxy.tls.TlsConnectionInfo upstreamTls;
  public String filterChainName;
  public long connectionId;
  public int attemptCount;
  public long lastDownstreamRxNanos;
  public long firstUpstreamTxNanos;
  public long lastUpstreamTxNanos;
  public long firstUpstreamRxNanos;
  public long lastUpstreamRxNanos;
  public long firstDownstreamTxNanos;
  public long lastDownstreamTxNanos;
  public long endNanos;

  private FilterState filterState;
  /** The filter state of the upstream connection this stream owns (tcp_proxy), or null. */
  public FilterState upstreamFilterState;
  /** The request's tracing span when its connection manager has {@code tracing} (the router injects it upstream). */
  public dev.javoy.proxy.tracing.Span activeSpan;
  private UpstreamAlpnOverride upstreamAlpnOverride;

  /** The stream starts now (a reused object's start times are set when its next stream starts). */
  public void restartClock() {
    startTimeEpochMillis = LoopClock.currentTimeMillis(); // the loop turn's time: ms precision
    startNanos = LoopClock.nanoTime();
  }

  /**
   * Makes this object ready for another stream: every field back to its initial value (the start times are set by
   * {@link #restartClock} when that stream starts). A field added to this class must be cleared here
   * ({@code StreamInfoTest} checks every field by reflection).
   */
  public void reset() {
    protocol = null;
    requestHeaders = null;
    responseHeaders = null;
    responseTrailers = null;
    responseCode = 0;
    responseCodeDetails = null;
    connectionTerminationDetails = null;
    responseFlags = 0;
    bytesReceived = 0;
    bytesSent = 0;
    requestId = null;
    routeName = null;
    virtualHostName = null;
    upstreamClusterName = null;
    upstreamHostAddress = null;
    upstreamHostname = null;
    upstreamLocalAddress = null;
    upstreamTransportFailureReason = null;
    downstreamLocalAddress = null;
    downstreamRemoteAddress = null;
    downstreamDirectRemoteAddress = null;
    requestedServerName = null;
    downstreamTls = null;
    upstreamTls = null;
    filterChainName = null;
    connectionId = 0;
    attemptCount = 0;
    lastDownstreamRxNanos = 0;
    firstUpstreamTxNanos = 0;
    lastUpstreamTxNanos = 0;
    firstUpstreamRxNanos = 0;
    lastUpstreamRxNanos = 0;
    firstDownstreamTxNanos = 0;
    lastDownstreamTxNanos = 0;
    endNanos = 0;
    filterState = null;
    upstreamFilterState = null;
    activeSpan = null;
    upstreamAlpnOverride = null;
  }

  /** This stream's filter state, created on first use. */
  public FilterState filterState() {
    FilterState fs = filterState;
    if (fs == null) {
      fs = new FilterState();
      filterState = fs;
    }
    return fs;
  }

  /** The filter state if any filter stored something, else null (no allocation). */
  public FilterState filterStateOrNull() {
    return filterState;
  }

  /**
   * The ALPN protocols an HTTP filter (Istio's {@code istio.alpn}) asks the upstream TLS connection of this request
   * to offer, by upstream HTTP protocol; null when no filter set any (use the cluster's TLS context).
   */
  public UpstreamAlpnOverride upstreamAlpnOverride() {
    return upstreamAlpnOverride;
  }

  public void setUpstreamAlpnOverride(UpstreamAlpnOverride override) {
    this.upstreamAlpnOverride = override;
  }

  public void setResponseFlag(ResponseFlag flag) {
    responseFlags |= flag.bit();
  }

  public boolean hasResponseFlag(ResponseFlag flag) {
    return (responseFlags & flag.bit()) != 0;
  }

  public boolean hasAnyResponseFlag() {
    return responseFlags != 0;
  }

  /** Nanoseconds from the start to {@code t}, or -1 if {@code t} has not happened. */
  public long sinceStart(long t) {
    return t == 0 ? -1 : t - startNanos;
  }

  /** Total duration so far, or until {@link #endNanos} once the stream ended. */
  public long durationNanos() {
    return (endNanos == 0 ? LoopClock.nanoTime() : endNanos) - startNanos;
  }
}
