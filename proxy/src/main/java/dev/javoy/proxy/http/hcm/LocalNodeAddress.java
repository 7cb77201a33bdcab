package dev.javoy.proxy.http.hcm;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.Enumeration;

/**
 * The address Envoy's connection manager appends to {@code x-forwarded-for} for a loopback peer
 * ({@code config.localAddress()}: the server's {@code LocalInfo} address, {@code Network::Utility::getLocalAddress}
 * for {@code --local-address-ip-version}): the first interface address of that version that is not the loopback
 * address (an IPv6 one without its scope id), else {@code 127.0.0.1} or {@code ::1}. Looked up once per version and
 * process, on the thread building the first connection manager config, never on a worker.
 */
final class LocalNodeAddress {
  private static volatile String v4;
  private static volatile String v6;

  private LocalNodeAddress() {}

  /** The address text for {@code ipVersion} ("v4" or "v6"). */
  static String of(String ipVersion) {
    boolean six = "v6".equals(ipVersion);
    String s = six ? v6 : v4;
    if (s == null) {
      s = lookUp(six);
      if (six) {
        v6 = s;
      } else {
        v4 = s;
      }
    }
    return s;
  }

  private static String lookUp(boolean six) {
    try {
      Enumeration<NetworkInterface> nis = NetworkInterface.getNetworkInterfaces();
      while (nis != null && nis.hasMoreElements()) {
        Enumeration<InetAddress> as = nis.nextElement().getInetAddresses();
        while (as.hasMoreElements()) {
          InetAddress a = as.nextElement();
          if ((six ? a instanceof Inet6Address : a instanceof Inet4Address) && !isLoopback(a)) {
            return NetUtil.toAddressString(InetAddress.getByAddress(a.getAddress())); // no scope id
          }
        }
      }
    } catch (java.io.IOException e) {
      // as Envoy when getifaddrs fails: the loopback address
    }
    return six ? "::1" : "127.0.0.1";
  }

  /** Envoy's {@code Network::Utility::isLoopbackAddress}: exactly 127.0.0.1 or ::1 (not the rest of 127/8). */
  static boolean isLoopback(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return b[0] == 127 && b[1] == 0 && b[2] == 0 && b[3] == 1;
    }
    for (int i = 0; i < 15; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[15] == 1;
  }

  /** Whether a peer is Envoy's loopback address (a pipe is not). */
  static boolean isLoopback(SocketAddress peer) {
    return peer instanceof InetSocketAddress i && i.getAddress() != null && isLoopback(i.getAddress());
  }
}
