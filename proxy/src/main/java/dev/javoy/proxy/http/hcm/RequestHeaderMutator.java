package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.Addresses;
import dev.javoy.proxy.http.route.RouteTable;
import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.TrustedHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;

/**
 * What the connection manager does to every request's headers before routing (Envoy's
 * {@code ConnectionManagerUtility::mutateRequestHeaders}): host port stripping, {@code x-forwarded-for},
 * {@code x-forwarded-proto}, {@code x-envoy-external-address}, {@code x-request-id}, user agent, {@code via}.
 * <p>
 * Lookups of absent names (the usual request has none of these) cost no scan: javoy's HTTP/1.1 header map answers
 * them from the summary of names its decoder built ({@code HeaderNameSummary}). The headers javoy writes itself are
 * set as Envoy sets its inline headers (in place, no validation of javoy's own values: {@code TrustedHeaders}).
 */
final class RequestHeaderMutator {
  static final AsciiString X_REQUEST_ID = EnvoyHeaderNames.X_REQUEST_ID;
  static final AsciiString X_FORWARDED_FOR = EnvoyHeaderNames.X_FORWARDED_FOR;
  static final AsciiString X_FORWARDED_PROTO = EnvoyHeaderNames.X_FORWARDED_PROTO;
  static final AsciiString X_ENVOY_EXTERNAL_ADDRESS = EnvoyHeaderNames.X_ENVOY_EXTERNAL_ADDRESS;
  static final AsciiString X_ENVOY_INTERNAL = EnvoyHeaderNames.X_ENVOY_INTERNAL;
  static final AsciiString X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER = EnvoyHeaderNames.X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER;
  static final AsciiString X_ENVOY_FORCE_TRACE = EnvoyHeaderNames.X_ENVOY_FORCE_TRACE;
  static final AsciiString X_ENVOY_DECORATOR_OPERATION = EnvoyHeaderNames.X_ENVOY_DECORATOR_OPERATION;
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString TRUE = AsciiString.cached("true");

  private RequestHeaderMutator() {}

  static void mutate(HttpConnectionManagerConfig cfg, DownstreamConnection conn, HttpRequest req, StreamInfo info) {
    HttpHeaders h = req.headers();
    // read only when a port may be stripped: the Host value stays a view over the request's bytes otherwise
    String host = cfg.stripAnyHostPort || cfg.stripMatchingHostPort ? h.get(HttpHeaderNames.HOST) : null;
    if (host != null) {
      String stripped = RouteTable.stripPort(host);
      if (stripped != host) {
        boolean strip = cfg.stripAnyHostPort;
        if (!strip && conn.localAddress() instanceof InetSocketAddress local) {
          strip = host.endsWith(":" + local.getPort());
        }
        if (strip) {
          h.set(HttpHeaderNames.HOST, stripped);
        }
      }
    }
    AsciiString scheme = conn.isTls() ? HTTPS : HTTP;
    String xff = h.get(X_FORWARDED_FOR);
    InetSocketAddress trusted = TrustedClientAddress.fromXff(xff, cfg.useRemoteAddress, cfg.xffNumTrustedHops);
    if (trusted != null) {
      info.downstreamRemoteAddress = trusted;
    }
    String remote = cfg.useRemoteAddress ? Addresses.hostOnly(conn.remoteAddress()) : null;
    // internal or not, and the x-envoy-* headers that follow (x-envoy-internal, cleanInternalHeaders, external one)
    boolean external = HeaderSanitizing.apply(cfg, h, xff, trusted, conn.remoteAddress(), remote);
    if (cfg.useRemoteAddress) {
      if (!cfg.skipXffAppend) {
        h.set(X_FORWARDED_FOR, xff == null || xff.isEmpty() ? remote : xff + "," + remote); // the client's part: checked
      }
      TrustedHeaders.set(h, X_FORWARDED_PROTO, scheme);
    } else if (!h.contains(X_FORWARDED_PROTO)) {
      TrustedHeaders.add(h, X_FORWARDED_PROTO, scheme); // absent: add appends as set would, without set's search
    }
    cfg.forwardClientCert.mutate(h, conn.tls());
    // the client's id read in place (Istio's inbound requests carry the outbound sidecar's): no String made
    CharSequence id = h instanceof FlatHttpHeaders f ? f.getCharSequence(X_REQUEST_ID) : h.get(X_REQUEST_ID);
    if (cfg.generateRequestId && (id == null || id.isEmpty() || (external && !cfg.preserveExternalRequestId))) {
      boolean absent = id == null;
      id = RequestIds.newUuid();
      if (absent) {
        TrustedHeaders.add(h, X_REQUEST_ID, id); // as set would, without set's search
      } else {
        TrustedHeaders.set(h, X_REQUEST_ID, id);
      }
    }
    info.requestId = id;
    if (cfg.addUserAgent && cfg.serviceCluster != null && !cfg.serviceCluster.isEmpty()) {
      if (!h.contains(HttpHeaderNames.USER_AGENT)) {
        h.set(HttpHeaderNames.USER_AGENT, cfg.serviceCluster);
      }
      h.set(X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER, cfg.serviceCluster);
    }
    if (!cfg.via.isEmpty()) {
      String via = h.get(HttpHeaderNames.VIA);
      h.set(HttpHeaderNames.VIA, via == null ? cfg.via : via + "," + cfg.via);
    }
  }
}
