package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.upstream.Addresses;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;

/**
 * Which downstream addresses the connection manager treats as internal (Envoy's {@code InternalAddressConfig}, the
 * HCM's {@code internal_address_config}). Immutable, shared by all workers.
 * <ul>
 *   <li>No {@code internal_address_config}: no address is internal ({@link #NONE}). Envoy 1.33 made this the default
 *       (runtime guard {@code envoy.reloadable_features.explicit_internal_address_config}, true since 1.33, removed
 *       in 1.36); before, RFC 1918 addresses were internal by default.</li>
 *   <li>With it: a Unix domain socket peer is internal when {@code unix_sockets} is true; an IP address is internal
 *       when one of {@code cidr_ranges} contains it, or, with no {@code cidr_ranges}, when it is one of Envoy's
 *       {@code Network::Utility::isInternalAddress}: 10/8, 172.16/12, 192.168/16, exactly 127.0.0.1, fd00::/8 and
 *       exactly ::1 (not the rest of 127/8 nor fc00::/8, as Envoy).</li>
 * </ul>
 */
final class InternalAddressConfig {
  static final Set<String> SUPPORTED = Set.of("unix_sockets", "cidr_ranges");
  private static final Set<String> CIDR_FIELDS = Set.of("address_prefix", "prefix_len");

  /** The default: every address is external. */
  static final InternalAddressConfig NONE = new InternalAddressConfig(false, false, new byte[0][], new int[0]);

  /** False for {@link #NONE}: nothing is internal, whatever the address. */
  private final boolean configured;
  private final boolean unixSockets;
  /** The ranges' network bytes (4 or 16) and prefix lengths; empty: Envoy's RFC 1918 / RFC 4193 set. */
  private final byte[][] networks;
  private final int[] prefixLengths;

  private InternalAddressConfig(boolean configured, boolean unixSockets, byte[][] networks, int[] prefixLengths) {
    this.configured = configured;
    this.unixSockets = unixSockets;
    this.networks = networks;
    this.prefixLengths = prefixLengths;
  }

  /** The HCM's {@code internal_address_config}, checked; {@link #NONE} when it is not set. */
  static InternalAddressConfig of(HttpConnectionManager p, String hcmPath) throws ConfigException {
    if (!p.hasInternalAddressConfig()) {
      return NONE;
    }
    var c = p.getInternalAddressConfig();
    String path = FieldSupport.join(hcmPath, "internal_address_config");
    FieldSupport.check(c, path, SUPPORTED);
    int n = c.getCidrRangesCount();
    byte[][] networks = new byte[n][];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      CidrRange r = c.getCidrRanges(i);
      String rp = FieldSupport.index(path, "cidr_ranges", i);
      FieldSupport.check(r, rp, CIDR_FIELDS);
      if (!Addresses.isIpLiteral(r.getAddressPrefix())) {
        throw new ConfigException(rp + ".address_prefix", "malformed IP address: " + r.getAddressPrefix());
      }
      byte[] net = Addresses.ipLiteral(r.getAddressPrefix(), rp + ".address_prefix").getAddress();
      int max = net.length * 8;
      int len = r.hasPrefixLen() ? r.getPrefixLen().getValue() : max;
      if (len > 128) {
        throw new ConfigException(rp + ".prefix_len", "value must be less than or equal to 128");
      }
      lengths[i] = Math.min(len, max); // Envoy clamps a too long IPv4 prefix to 32
      networks[i] = net;
    }
    return new InternalAddressConfig(true, c.getUnixSockets(), networks, lengths);
  }

  /** An explicit config (tests): {@code cidrs} as {@code "10.0.0.0/8"}; none means Envoy's RFC 1918 set. */
  static InternalAddressConfig of(boolean unixSockets, String... cidrs) {
    byte[][] networks = new byte[cidrs.length][];
    int[] lengths = new int[cidrs.length];
    for (int i = 0; i < cidrs.length; i++) {
      int slash = cidrs[i].indexOf('/');
      try {
        networks[i] = InetAddress.getByName(cidrs[i].substring(0, slash)).getAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(cidrs[i], e);
      }
      lengths[i] = Math.min(Integer.parseInt(cidrs[i].substring(slash + 1)), networks[i].length * 8);
    }
    return new InternalAddressConfig(true, unixSockets, networks, lengths);
  }

  /** Whether {@code address} (a peer, or the trusted client address from {@code x-forwarded-for}) is internal. */
  boolean isInternal(SocketAddress address) {
    if (!configured) {
      return false;
    }
    if (!(address instanceof InetSocketAddress inet)) {
      return unixSockets; // a pipe (Envoy's Address::Type::Pipe)
    }
    InetAddress ip = inet.getAddress();
    if (ip == null) {
      return false;
    }
    byte[] a = ip.getAddress();
    if (networks.length == 0) {
      return isRfc1918OrLocal(a);
    }
    for (int i = 0; i < networks.length; i++) {
      if (contains(networks[i], prefixLengths[i], a)) {
        return true;
      }
    }
    return false;
  }

  /** Envoy's {@code Network::Utility::isInternalAddress}. */
  static boolean isRfc1918OrLocal(byte[] a) {
    if (a.length == 4) {
      int b0 = a[0] & 0xFF;
      int b1 = a[1] & 0xFF;
      return b0 == 10 || (b0 == 192 && b1 == 168) || (b0 == 172 && b1 >= 16 && b1 <= 31)
          || (b0 == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1);
    }
    if ((a[0] & 0xFF) == 0xFD) {
      return true;
    }
    for (int i = 0; i < 15; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[15] == 1; // ::1
  }

  private static boolean contains(byte[] network, int prefixLen, byte[] a) {
    if (network.length != a.length) {
      return false;
    }
    int full = prefixLen >>> 3;
    for (int i = 0; i < full; i++) {
      if (network[i] != a[i]) {
        return false;
      }
    }
    int rest = prefixLen & 7;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return ((network[full] ^ a[full]) & mask) == 0;
  }
}
