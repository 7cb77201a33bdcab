package dev.javoy.proxy.tracing;

import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.Addresses;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * The tags Envoy puts on a downstream request's span when it ends ({@code HttpTracerUtility::finalizeDownstreamSpan}
 * and {@code TracerUtility::finalizeSpan}): request id, URL (path cut at {@code max_path_tag_length}), method,
 * protocol, downstream cluster, user agent, peer address, sizes, status code, {@code error} for 5xx or no response,
 * response flags, upstream cluster and address, then the connection manager's custom tags and the route's.
 */
final class HttpSpanTags {
  static final String X_ENVOY_ORIGINAL_PATH = "x-envoy-original-path";
  static final String X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER = "x-envoy-downstream-service-cluster";
  static final String X_FORWARDED_PROTO = "x-forwarded-proto";

  private HttpSpanTags() {}

  static void finalizeDownstreamSpan(Span span, StreamInfo info, HttpTracingConfig cfg, Route route) {
    HttpRequest req = info.requestHeaders;
    HttpHeaders h = req == null ? null : req.headers();
    if (h != null) {
      if (info.requestId != null) {
        span.setTag(Tags.GUID_X_REQUEST_ID, info.requestId.toString());
      }
      span.setTag(Tags.HTTP_URL, url(req, cfg.maxPathTagLength));
      span.setTag(Tags.HTTP_METHOD, req.method().name());
      span.setTag(Tags.DOWNSTREAM_CLUSTER, orDash(h.get(X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER)));
      span.setTag(Tags.USER_AGENT, orDash(h.get(HttpHeaderNames.USER_AGENT)));
      String clientTraceId = h.get(TracingDecision.X_CLIENT_TRACE_ID);
      if (clientTraceId != null) {
        span.setTag(Tags.GUID_X_CLIENT_TRACE_ID, clientTraceId);
      }
    }
    span.setTag(Tags.HTTP_PROTOCOL, info.protocol == null ? "-" : info.protocol);
    span.setTag(Tags.REQUEST_SIZE, Long.toString(info.bytesReceived));
    span.setTag(Tags.RESPONSE_SIZE, Long.toString(info.bytesSent));
    int code = info.responseCode;
    span.setTag(Tags.HTTP_STATUS_CODE, Integer.toString(code));
    if (code == 0 || code >= 500 && code < 600) {
      span.setTag(Tags.ERROR, Tags.TRUE);
    }
    span.setTag(Tags.COMPONENT, Tags.PROXY);
    span.setTag(Tags.RESPONSE_FLAGS, ResponseFlag.format(info.responseFlags, false));
    if (info.downstreamDirectRemoteAddress != null) {
      span.setTag(Tags.PEER_ADDRESS, Addresses.toString(info.downstreamDirectRemoteAddress));
    }
    if (info.upstreamClusterName != null) {
      span.setTag(Tags.UPSTREAM_CLUSTER, info.upstreamClusterName);
      UpstreamCluster c = cfg.clusters == null ? null : cfg.clusters.get(info.upstreamClusterName);
      String alt = c == null ? "" : c.config().getAltStatName();
      span.setTag(Tags.UPSTREAM_CLUSTER_NAME, alt.isEmpty() ? info.upstreamClusterName : alt);
    }
    if (info.upstreamHostAddress != null) {
      span.setTag(Tags.UPSTREAM_ADDRESS, Addresses.toString(info.upstreamHostAddress));
    }
    if (cfg.verbose) {
      annotateVerbose(span, info);
    }
    List<CustomTag> own = cfg.customTags;
    List<CustomTag> routes = route == null ? List.of() : route.tracing().customTags();
    if (!own.isEmpty() || !routes.isEmpty()) {
      TagContext ctx = new TagContext(h, info, route, cfg.clusters);
      apply(span, own, ctx);
      apply(span, routes, ctx); // a route's tag replaces the connection manager's of the same name
    }
  }

  /** Envoy's {@code annotateVerbose}: the stream's timing milestones as span logs. */
  private static void annotateVerbose(Span span, StreamInfo info) {
    log(span, info, info.lastDownstreamRxNanos, "last_downstream_rx_byte_received");
    log(span, info, info.firstUpstreamTxNanos, "first_upstream_tx_byte_sent");
    log(span, info, info.lastUpstreamTxNanos, "last_upstream_tx_byte_sent");
    log(span, info, info.firstUpstreamRxNanos, "first_upstream_rx_byte_received");
    log(span, info, info.lastUpstreamRxNanos, "last_upstream_rx_byte_received");
    log(span, info, info.firstDownstreamTxNanos, "first_downstream_tx_byte_sent");
    log(span, info, info.lastDownstreamTxNanos, "last_downstream_tx_byte_sent");
  }

  private static void log(Span span, StreamInfo info, long nanos, String event) {
    if (nanos != 0) {
      span.log(info.startTimeEpochMillis * 1000 + (nanos - info.startNanos) / 1000, event);
    }
  }

  private static void apply(Span span, List<CustomTag> tags, TagContext ctx) {
    for (int i = 0, n = tags.size(); i < n; i++) {
      CustomTag t = tags.get(i);
      String v = t.value(ctx);
      if (v != null) {
        span.setTag(t.tag(), v);
      }
    }
  }

  /** Envoy's {@code buildUrl}: {@code <x-forwarded-proto>://<host><path>}, the path cut at {@code maxPath}. */
  static String url(HttpRequest req, int maxPath) {
    HttpHeaders h = req.headers();
    String path = h.get(X_ENVOY_ORIGINAL_PATH);
    if (path == null) {
      path = pathOf(req.uri());
    }
    if (path.length() > maxPath) {
      path = path.substring(0, maxPath);
    }
    String proto = h.get(X_FORWARDED_PROTO);
    String host = h.get(HttpHeaderNames.HOST);
    return (proto == null ? "" : proto) + "://" + (host == null ? "" : host) + path;
  }

  private static String pathOf(String uri) {
    if (uri.startsWith("/")) {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int slash = uri.indexOf('/', scheme + 3);
      return slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
