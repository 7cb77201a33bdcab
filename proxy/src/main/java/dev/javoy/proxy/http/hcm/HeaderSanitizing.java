package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.TrustedHeaders;
import dev.javoy.proxy.http.route.InternalOnlyHeaders;
import dev.javoy.proxy.upstream.Addresses;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Envoy's HTTP header sanitizing: whether a request is internal, and what that does to its headers (Envoy v1.34's
 * {@code ConnectionManagerUtility::mutateRequestHeaders}, the part between the {@code x-forwarded-for} handling and
 * the request id).
 * <p>
 * The decision ({@link #isInternal}): with {@code use_remote_address} the request may be internal only if it came
 * without {@code x-forwarded-for}, and then its trusted client address (the peer, or with
 * {@code xff_num_trusted_hops} N &gt; 0 the N-th address from the right of the header, which is absent then, so the
 * peer) must be internal. Without {@code use_remote_address} (Envoy's default XFF original IP detection) the request
 * must carry exactly one {@code x-forwarded-for} address, {@code xff_num_trusted_hops} must be 0, and that address
 * must be internal; with no header even an internal peer makes an external request. "Internal" is
 * {@link InternalAddressConfig}: by default (no {@code internal_address_config}) nothing is.
 * <p>
 * Then: an internal request gets {@code x-envoy-internal: true}; any other loses {@code x-envoy-internal} and
 * {@link InternalHeaders}; an edge request (not internal, {@code use_remote_address}) also loses the edge-only ones and
 * gets {@code x-envoy-external-address} (its trusted client address, when that is an IP address).
 */
final class HeaderSanitizing {
  private static final AsciiString TRUE = AsciiString.cached("true");

  private HeaderSanitizing() {}

  /**
   * Sanitizes {@code h} and says whether the request is an edge request.
   *
   * @param xff {@code x-forwarded-for} as the request arrived (before javoy appended to it), the whole list (repeated
   *     headers joined, {@link ForwardedForHeader#coalesce}), or null
   * @param trusted the trusted client address taken from {@code xff} ({@link TrustedClientAddress}), or null
   * @param peer the downstream connection's remote address
   * @param peerHost {@code peer} without its port as text, or null (then formatted here when needed)
   */
  static boolean apply(HttpConnectionManagerConfig cfg, HttpHeaders h, String xff, InetSocketAddress trusted,
      SocketAddress peer, String peerHost) {
    boolean internal = isInternal(cfg.useRemoteAddress, cfg.xffNumTrustedHops, xff, trusted, peer,
        cfg.internalAddresses);
    return apply(h, internal, cfg.useRemoteAddress, trusted, peer, peerHost,
        cfg.routes.current().internalOnlyHeaders());
  }

  /** The header changes of a decided request; returns whether it is an edge request. */
  static boolean apply(HttpHeaders h, boolean internal, boolean useRemoteAddress, InetSocketAddress trusted,
      SocketAddress peer, String peerHost, InternalOnlyHeaders internalOnly) {
    if (internal) {
      TrustedHeaders.set(h, EnvoyHeaderNames.X_ENVOY_INTERNAL, TRUE);
      return false;
    }
    boolean edge = useRemoteAddress;
    InternalHeaders.clean(h, edge, internalOnly);
    if (edge) {
      if (trusted != null) {
        TrustedHeaders.set(h, EnvoyHeaderNames.X_ENVOY_EXTERNAL_ADDRESS, Addresses.hostOnly(trusted));
      } else if (peer instanceof InetSocketAddress ip && ip.getAddress() != null) {
        TrustedHeaders.set(h, EnvoyHeaderNames.X_ENVOY_EXTERNAL_ADDRESS,
            peerHost != null ? peerHost : Addresses.hostOnly(ip));
      }
    }
    return edge;
  }

  /** Envoy's {@code internal_request} from the whole {@code x-forwarded-for} list: see the class comment. */
  static boolean isInternal(boolean useRemoteAddress, int trustedHops, String xff, InetSocketAddress trusted,
      SocketAddress peer, InternalAddressConfig internalAddresses) {
    if (useRemoteAddress) {
      // allow_trusted_address_checks: no x-forwarded-for came; the trusted address is then the peer's
      return xff == null && internalAddresses.isInternal(peer);
    }
    // the XFF detection's single address: one entry, nothing skipped, and an IP address
    return trusted != null && trustedHops == 0 && xff.indexOf(',') < 0 && internalAddresses.isInternal(trusted);
  }
}
