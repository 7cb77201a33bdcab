package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.function.Function;

/**
 * The address commands: {@code %X_ADDRESS%} ({@code 10.0.0.1:80}, {@code [::1]:80}),
 * {@code %X_ADDRESS_WITHOUT_PORT%} and {@code %X_PORT%} for the downstream and upstream ends, plus
 * {@code %UPSTREAM_HOST%} and {@code %UPSTREAM_HOST_NAME%}.
 */
final class AddressCommands {
  private AddressCommands() {}

  /** How much of an address to print. */
  enum Part { WITH_PORT, WITHOUT_PORT, PORT }

  static void register(Map<String, CommandSpec> m) {
    family(m, "DOWNSTREAM_REMOTE", i -> i.downstreamRemoteAddress);
    family(m, "DOWNSTREAM_DIRECT_REMOTE",
        i -> i.downstreamDirectRemoteAddress != null ? i.downstreamDirectRemoteAddress : i.downstreamRemoteAddress);
    family(m, "DOWNSTREAM_LOCAL", i -> i.downstreamLocalAddress);
    family(m, "DOWNSTREAM_DIRECT_LOCAL", i -> i.downstreamLocalAddress);
    family(m, "UPSTREAM_LOCAL", i -> i.upstreamLocalAddress);
    family(m, "UPSTREAM_REMOTE", i -> i.upstreamHostAddress);
    m.put("UPSTREAM_HOST", CommandSpec.simple(new Address(i -> i.upstreamHostAddress, Part.WITH_PORT)));
    m.put("UPSTREAM_HOST_NAME", CommandSpec.simple(new UpstreamHostName(false)));
    m.put("UPSTREAM_HOST_NAME_WITHOUT_PORT", CommandSpec.simple(new UpstreamHostName(true)));
  }

  private static void family(Map<String, CommandSpec> m, String prefix, Function<StreamInfo, SocketAddress> f) {
    m.put(prefix + "_ADDRESS", CommandSpec.simple(new Address(f, Part.WITH_PORT)));
    m.put(prefix + "_ADDRESS_WITHOUT_PORT", CommandSpec.simple(new Address(f, Part.WITHOUT_PORT)));
    m.put(prefix + "_PORT", CommandSpec.simple(new Address(f, Part.PORT)));
  }

  /** Appends {@code part} of {@code a} in Envoy's text form; false when there is nothing to print. */
  static boolean append(StringBuilder out, SocketAddress a, Part part) {
    if (a instanceof InetSocketAddress isa) {
      if (part == Part.PORT) {
        out.append(isa.getPort());
        return true;
      }
      InetAddress ip = isa.getAddress();
      String host = ip != null ? NetUtil.toAddressString(ip) : isa.getHostString();
      boolean v6 = host.indexOf(':') >= 0;
      if (part == Part.WITHOUT_PORT) {
        out.append(host);
      } else if (v6) {
        out.append('[').append(host).append("]:").append(isa.getPort());
      } else {
        out.append(host).append(':').append(isa.getPort());
      }
      return true;
    }
    if (a == null || part == Part.PORT) {
      return false;
    }
    out.append(a instanceof DomainSocketAddress d ? d.path() : a.toString());
    return true;
  }

  private record Address(Function<StreamInfo, SocketAddress> address, Part part) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      return AddressCommands.append(out, address.apply(info), part);
    }

    @Override
    public boolean numeric() {
      return part == Part.PORT;
    }
  }

  /** The upstream host's hostname, else its address (Envoy's {@code UPSTREAM_HOST_NAME}). */
  private record UpstreamHostName(boolean withoutPort) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      String name = info.upstreamHostname;
      if (name == null || name.isEmpty()) {
        return AddressCommands.append(out, info.upstreamHostAddress,
            withoutPort ? Part.WITHOUT_PORT : Part.WITH_PORT);
      }
      out.append(name, 0, withoutPort ? hostEnd(name) : name.length());
      return true;
    }

    /** Where the host of {@code host[:port]} / {@code [v6]:port} ends. */
    private static int hostEnd(String name) {
      int colon = name.lastIndexOf(':');
      if (colon < 0) {
        return name.length();
      }
      if (name.charAt(0) == '[') {
        return name.lastIndexOf(']') < colon ? colon : name.length();
      }
      return name.indexOf(':') == colon ? colon : name.length();
    }
  }
}
