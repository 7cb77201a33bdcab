package dev.javoy.proxy.http.hcm;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Envoy's trusted client address from {@code x-forwarded-for} and {@code xff_num_trusted_hops}: with
 * {@code use_remote_address: false} the (N+1)-th address from the right of the header as the request arrived (the
 * whole list: repeated headers joined by {@link ForwardedForHeader#coalesce}, as Envoy's header map joins them);
 * with {@code use_remote_address: true} and N &gt; 0 the N-th from the right (before the proxy appends the peer);
 * otherwise, or when the header has too few entries or the entry is not an IP address, the connection's peer.
 * An address taken from the header has port 0, as Envoy prints it ({@code %DOWNSTREAM_REMOTE_ADDRESS%}).
 */
final class TrustedClientAddress {
  private TrustedClientAddress() {}

  /** The address from {@code xff}, or null when the peer's own address applies. */
  static InetSocketAddress fromXff(String xff, boolean useRemoteAddress, int trustedHops) {
    if (xff == null || xff.isEmpty() || (useRemoteAddress && trustedHops == 0)) {
      return null;
    }
    int skip = useRemoteAddress ? trustedHops - 1 : trustedHops;
    int end = xff.length();
    for (int i = 0; i < skip; i++) {
      int comma = xff.lastIndexOf(',', end - 1);
      if (comma < 0) {
        return null;
      }
      end = comma;
    }
    int start = xff.lastIndexOf(',', end - 1) + 1;
    String entry = xff.substring(start, end).trim();
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(entry);
    if (ip == null) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), 0);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
