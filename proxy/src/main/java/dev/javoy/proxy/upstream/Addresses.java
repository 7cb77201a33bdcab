package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress.PortSpecifierCase;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** Envoy {@code Address} protos to socket addresses, and socket addresses to Envoy's text forms. */
public final class Addresses {
  private Addresses() {}

  /**
   * A resolved address; {@code socket_address.address} must be an IP literal (DNS names belong to
   * STRICT_DNS/LOGICAL_DNS clusters, which resolve them themselves).
   */
  public static SocketAddress resolved(Address a, String path) throws ConfigException {
    switch (a.getAddressCase()) {
      case SOCKET_ADDRESS: {
        var sa = a.getSocketAddress();
        if (sa.getPortSpecifierCase() == PortSpecifierCase.NAMED_PORT) {
          throw new ConfigException(path + ".socket_address.named_port", "named ports are not supported");
        }
        if (!sa.getResolverName().isEmpty()) {
          throw new ConfigException(path + ".socket_address.resolver_name", "custom resolvers are not supported");
        }
        if (sa.getProtocol() != io.envoyproxy.envoy.config.core.v3.SocketAddress.Protocol.TCP) {
          throw new ConfigException(path + ".socket_address.protocol", "only TCP is supported");
        }
        return new InetSocketAddress(ipLiteral(sa.getAddress(), path + ".socket_address.address"),
            sa.getPortValue());
      }
      case PIPE:
        if (a.getPipe().getPath().isEmpty()) {
          throw new ConfigException(path + ".pipe.path", "must not be empty");
        }
        return new DomainSocketAddress(a.getPipe().getPath());
      case ENVOY_INTERNAL_ADDRESS:
        throw new ConfigException(path + ".envoy_internal_address", "internal addresses are not supported yet");
      default:
        throw new ConfigException(path, "address is required");
    }
  }

  /** Parses an IP literal without any DNS lookup. */
  public static InetAddress ipLiteral(String s, String path) throws ConfigException {
    InetAddress v4 = plainIpv4(s);
    if (v4 != null) {
      return v4;
    }
    String host = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    if (!isIpLiteral(host)) {
      throw new ConfigException(path, "malformed IP address: " + s);
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ConfigException(path, "malformed IP address: " + s, e);
    }
  }

  /**
   * The common case of an endpoint address, a dotted-quad IPv4 literal without leading zeros, parsed without
   * splitting or the resolver's checks; null for anything else (which takes the general path).
   */
  static InetAddress plainIpv4(String s) {
    int n = s.length();
    if (n < 7 || n > 15) {
      return null;
    }
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= n; i++) {
      char c = i == n ? '.' : s.charAt(i);
      if (c == '.') {
        if (digits == 0 || part == 4) {
          return null;
        }
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits == 1 && value == 0) {
          return null; // a leading zero: the general path decides
        }
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    if (part != 4) {
      return null;
    }
    try {
      return InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      return null; // cannot happen for four bytes
    }
  }

  public static boolean isIpLiteral(String s) {
    if (s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
          return false;
        }
      }
      return true;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (!Character.isDigit(p.charAt(i))) {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Envoy's address text: {@code 10.0.0.1:80}, {@code [::1]:80}, or the pipe path. */
  public static String toString(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      InetAddress ip = i.getAddress();
      String host = ip == null ? i.getHostString() : io.netty.util.NetUtil.toAddressString(ip);
      return host.indexOf(':') >= 0 ? "[" + host + "]:" + i.getPort() : host + ":" + i.getPort();
    }
    if (a instanceof DomainSocketAddress d) {
      return d.path();
    }
    return String.valueOf(a);
  }

  /** The address without the port (Envoy's {@code _WITHOUT_PORT} forms). */
  public static String hostOnly(SocketAddress a) {
    if (a instanceof InetSocketAddress i && i.getAddress() != null) {
      return io.netty.util.NetUtil.toAddressString(i.getAddress());
    }
    return toString(a);
  }

  /** Envoy's stat name form of a listener address: {@code 0.0.0.0_10000}, {@code [__]_80}. */
  public static String statName(SocketAddress a) {
    String s = toString(a);
    if (a instanceof InetSocketAddress) {
      int colon = s.lastIndexOf(':');
      s = s.substring(0, colon) + "_" + s.substring(colon + 1);
    }
    return s.replace(':', '_');
  }
}
