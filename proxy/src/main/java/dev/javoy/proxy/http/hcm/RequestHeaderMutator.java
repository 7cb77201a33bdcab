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
import java.net.SocketAddress;

/**
 * What the connection manager does to every request's headers before routing (Envoy's
 * {@code ConnectionManagerUtility::mutateRequestHeaders}): host port stripping, {@code x-forwarded-for},
 * {@code x-forwarded-proto}, {@code x-envoy-external-address}, {@code x-request-id}, user agent, {@code via}.
 * <p>
 * {@code x-forwarded-for} is read as one list (repeated headers joined: {@link ForwardedForHeader}). With
 * {@code use_remote_address} (and not {@code skip_xff_append}) the peer's address is appended, or the server's local
 * address ({@link LocalNodeAddress}) when the peer is exactly 127.0.0.1 or ::1; {@code x-forwarded-proto} (and, with
 * {@code append_x_forwarded_port}, {@code x-forwarded-port}: the port the client connected to) is set from the
 * connection unless {@code xff_num_trusted_hops} &gt; 0 and the trusted hop sent one. Without
 * {@code use_remote_address} an existing one stays, an absent one is added.
 * <p>
 * Lookups of absent names (the usual request has none of these) cost no scan: javoy's HTTP/1.1 header map answers
 * them from the summary of names its decoder built ({@code HeaderNameSummary}). The headers javoy writes itself are
 * set as Envoy sets its inline headers (in place, no validation of javoy's own values: {@code TrustedHeaders}).
 */
final class RequestHeaderMutator {
  static final AsciiString X_REQUEST_ID = EnvoyHeaderNames.X_REQUEST_ID;
  static final AsciiString X_FORWARDED_FOR = EnvoyHeaderNames.X_FORWARDED_FOR;
  static final AsciiString X_FORWARDED_PROTO = EnvoyHeaderNames.X_FORWARDED_PROTO;
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  static final AsciiString X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER = EnvoyHeaderNames.X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER;
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
    // the whole list: repeated headers are joined into one, as Envoy's header map does
    String xff = ForwardedForHeader.coalesce(h);
    InetSocketAddress trusted = TrustedClientAddress.fromXff(xff, cfg.useRemoteAddress, cfg.xffNumTrustedHops);
    if (trusted != null) {
      info.downstreamRemoteAddress = trusted;
    }
    SocketAddress peer = conn.remoteAddress();
    String remote = cfg.useRemoteAddress ? Addresses.hostOnly(peer) : null;
    // internal or not, and the x-envoy-* headers that follow (x-envoy-internal, cleanInternalHeaders, external one)
    boolean external = HeaderSanitizing.apply(cfg, h, xff, trusted, peer, remote);
    if (cfg.useRemoteAddress) {
      if (!cfg.skipXffAppend && peer instanceof InetSocketAddress ip && ip.getAddress() != null) {
        // Envoy's appendXff of the peer, or for a loopback peer (exactly 127.0.0.1 or ::1) the server's local address
        String appended = LocalNodeAddress.isLoopback(ip.getAddress()) ? cfg.localAddress : remote;
        h.set(X_FORWARDED_FOR, ForwardedForHeader.appended(xff, appended)); // the client's part: checked
      }
      // a trusted hop's (xff_num_trusted_hops > 0) x-forwarded-proto and x-forwarded-port stay; else javoy's
      boolean trustHop = cfg.xffNumTrustedHops > 0;
      if (!trustHop || !h.contains(X_FORWARDED_PROTO)) {
        TrustedHeaders.set(h, X_FORWARDED_PROTO, scheme);
      }
      if (cfg.appendXForwardedPort && !trustHop) {
        setForwardedPort(conn, h);
      }
    } else if (!h.contains(X_FORWARDED_PROTO)) {
      TrustedHeaders.add(h, X_FORWARDED_PROTO, scheme); // absent: add appends as set would, without set's search
    }
    if (cfg.appendXForwardedPort && !h.contains(X_FORWARDED_PORT)) {
      setForwardedPort(conn, h);
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
    if (cfg.addUserAgent) {
      // Envoy's add_user_agent: the local cluster name as the downstream service cluster and, when the request has
      // none (or an empty one), as user-agent; the local node's name as the downstream service node. Deviation: an
      // empty cluster name sets nothing (Envoy would set empty values).
      if (!cfg.serviceCluster.isEmpty()) {
        CharSequence ua = h instanceof FlatHttpHeaders f ? f.getCharSequence(HttpHeaderNames.USER_AGENT)
            : h.get(HttpHeaderNames.USER_AGENT);
        if (ua == null || ua.length() == 0) {
          h.set(HttpHeaderNames.USER_AGENT, cfg.serviceCluster);
        }
        h.set(X_ENVOY_DOWNSTREAM_SERVICE_CLUSTER, cfg.serviceCluster);
      }
      if (!cfg.serviceNode.isEmpty()) {
        h.set(InternalHeaders.X_ENVOY_DOWNSTREAM_SERVICE_NODE, cfg.serviceNode);
      }
    }
    if (!cfg.via.isEmpty()) {
      String via = h.get(HttpHeaderNames.VIA);
      h.set(HttpHeaderNames.VIA, via == null ? cfg.via : via + "," + cfg.via);
    }
  }

  /** {@code x-forwarded-port}: the port the client connected to. */
  private static void setForwardedPort(DownstreamConnection conn, HttpHeaders h) {
    if (conn.localAddress() instanceof InetSocketAddress local) {
      TrustedHeaders.set(h, X_FORWARDED_PORT, Integer.toString(local.getPort()));
    }
  }
}
