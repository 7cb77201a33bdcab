package dev.javoy.filters.istio.stats;

import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.istio.PeerKeys;
import dev.javoy.proxy.istio.PeerMetadata;
import dev.javoy.proxy.stream.FilterState;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaders;
import dev.javoy.proxy.http.filter.FilterStatus;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One stream of {@code istio.stats}: when the stream ends, records {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds}, {@code istio_request_bytes} and {@code istio_response_bytes} under
 * the stream's labels. Nothing happens per stream before that.
 */
final class IstioStatsHttpFilter implements HttpFilter {
  private static final String[] RESPONSE_CODES = new String[600];

  static {
    for (int i = 0; i < RESPONSE_CODES.length; i++) {
      RESPONSE_CODES[i] = Integer.toString(i);
    }
  }

  private final IstioStatsConfig config;
  private final IstioMetrics.Cache cache;
  private final HttpFilterCallbacks callbacks;

  IstioStatsHttpFilter(IstioStatsConfig config, IstioMetrics.Cache cache, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.cache = cache;
    this.callbacks = callbacks;
  }

  /** {@code grpc-status} seen in the response headers (trailers-only) or trailers. */
  private String grpcStatus;

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    String s = response.headers().get("grpc-status");
    if (s != null) {
      grpcStatus = s;
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus encodeData(HttpContent data, boolean endStream) {
    if (data instanceof LastHttpContent last) {
      String s = last.trailingHeaders().get("grpc-status");
      if (s != null) {
        grpcStatus = s;
      }
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public void onDestroy() {
    StreamInfo info = callbacks.streamInfo();
    HttpRequest request = info.requestHeaders;
    if (request == null) {
      return;
    }
    FilterState fs = info.filterStateOrNull();
    PeerMetadata downstream = fs == null ? null : fs.get(PeerKeys.DOWNSTREAM_PEER, PeerMetadata.class);
    PeerMetadata upstream = fs == null ? null : fs.get(PeerKeys.UPSTREAM_PEER, PeerMetadata.class);
    if (downstream == null) {
      // A TCP metadata exchange on the connection found the downstream peer.
      FilterState cfs = callbacks.connection() == null ? null : callbacks.connection().filterStateOrNull();
      downstream = cfs == null ? null : cfs.get(PeerKeys.DOWNSTREAM_PEER, PeerMetadata.class);
    }
    boolean grpc = isGrpc(request.headers());
    int code = info.responseCode;
    String grpcStatus = grpc ? (this.grpcStatus != null ? this.grpcStatus : grpcStatus(info)) : "";
    String[] values = StandardLabels.compute(config, new StandardLabels.Inputs(downstream, upstream,
        info.upstreamClusterName, request, grpc ? "grpc" : "http", ResponseFlag.format(info.responseFlags, false),
        code >= 0 && code < RESPONSE_CODES.length ? RESPONSE_CODES[code] : Integer.toString(code), grpcStatus));
    IstioMetrics m = cache.get(values);
    var requests = m.counter(IstioMetric.REQUESTS_TOTAL);
    if (requests != null) {
      requests.inc();
    }
    var duration = m.histogram(IstioMetric.REQUEST_DURATION_MILLISECONDS);
    if (duration != null) {
      duration.record(info.durationNanos() / 1_000_000);
    }
    var requestBytes = m.histogram(IstioMetric.REQUEST_BYTES);
    if (requestBytes != null) {
      requestBytes.record(info.bytesReceived);
    }
    var responseBytes = m.histogram(IstioMetric.RESPONSE_BYTES);
    if (responseBytes != null) {
      responseBytes.record(info.bytesSent);
    }
  }

  static boolean isGrpc(HttpHeaders h) {
    String ct = h.get("content-type");
    return ct != null && ct.startsWith("application/grpc");
  }

  private static String grpcStatus(StreamInfo info) {
    String s = info.responseTrailers == null ? null : info.responseTrailers.get("grpc-status");
    if (s == null && info.responseHeaders != null) {
      s = info.responseHeaders.headers().get("grpc-status");
    }
    return s == null ? "" : s;
  }
}
