package dev.javoy.filters.listener.original_dst;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the destination a connection had before netfilter redirected it ({@code iptables -j REDIRECT}/DNAT):
 * {@code getsockopt(SOL_IP, SO_ORIGINAL_DST)} ({@code sockaddr_in}), or for IPv6
 * {@code getsockopt(SOL_IPV6, IP6T_SO_ORIGINAL_DST)} ({@code sockaddr_in6}), as Envoy does. Epoll channels
 * only; null when the socket has no such destination (no conntrack entry, or another transport).
 */
public final class SocketOriginalDestination {
  private static final int SOL_IP = 0;
  private static final int SOL_IPV6 = 41;
  private static final int SO_ORIGINAL_DST = 80;
  private static final int IP6T_SO_ORIGINAL_DST = 80;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;

  private static final RawUnixChannelOption IPV4 =
      new RawUnixChannelOption("JAVOY_SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, 16);
  private static final RawUnixChannelOption IPV6 =
      new RawUnixChannelOption("JAVOY_IP6T_SO_ORIGINAL_DST", SOL_IPV6, IP6T_SO_ORIGINAL_DST, 28);

  private SocketOriginalDestination() {}

  /** The original destination of an accepted connection, or null. */
  public static InetSocketAddress of(Channel ch) {
    if (!(ch instanceof EpollSocketChannel)) {
      return null;
    }
    boolean v6 = ch.localAddress() instanceof InetSocketAddress l
        && l.getAddress() instanceof java.net.Inet6Address;
    InetSocketAddress a = v6 ? read(ch, IPV6) : read(ch, IPV4);
    if (a == null && !v6) {
      a = read(ch, IPV6);
    }
    return a;
  }

  private static InetSocketAddress read(Channel ch, RawUnixChannelOption option) {
    ByteBuffer b;
    try {
      b = ch.config().getOption(option);
    } catch (RuntimeException e) {
      return null; // ENOENT: not redirected, no conntrack; or not the socket's family
    }
    return b == null ? null : parse(b);
  }

  /** Parses a {@code sockaddr_in} or {@code sockaddr_in6} (family in host byte order, port in network order). */
  static InetSocketAddress parse(ByteBuffer raw) {
    ByteBuffer b = raw.duplicate();
    b.position(0);
    if (b.limit() < 8) {
      return null;
    }
    int family = b.duplicate().order(ByteOrder.nativeOrder()).getShort(0) & 0xffff;
    int port = ((b.get(2) & 0xff) << 8) | (b.get(3) & 0xff);
    try {
      if (family == AF_INET) {
        byte[] addr = new byte[4];
        b.position(4);
        b.get(addr);
        return new InetSocketAddress(InetAddress.getByAddress(addr), port);
      }
      if (family == AF_INET6 && b.limit() >= 24) {
        byte[] addr = new byte[16];
        b.position(8);
        b.get(addr);
        InetAddress ip = InetAddress.getByAddress(addr); // v4-mapped addresses come back as Inet4Address
        return new InetSocketAddress(ip, port);
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}
