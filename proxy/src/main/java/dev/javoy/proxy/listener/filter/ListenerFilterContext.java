package dev.javoy.proxy.listener.filter;

import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.util.List;

/**
 * One accepted connection while its listener filters run (Envoy's {@code ListenerFilterCallbacks} and the
 * socket's connection info): what the filters found so far, for filter chain selection. Lives on the
 * connection's worker only.
 */
public final class ListenerFilterContext {
  private final Channel channel;
  private SocketAddress localAddress;
  private final SocketAddress remoteAddress;
  private boolean localAddressRestored;
  private String serverName = "";
  private String transportProtocol = "";
  private List<String> applicationProtocols = List.of();
  private boolean rejected;

  public ListenerFilterContext(Channel channel, SocketAddress localAddress, SocketAddress remoteAddress) {
    this.channel = channel;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
  }

  public Channel channel() {
    return channel;
  }

  /** The connection's destination: the socket's local address, or the original destination once restored. */
  public SocketAddress localAddress() {
    return localAddress;
  }

  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** Sets the original destination (original_dst): from now on the connection's local address. */
  public void restoreLocalAddress(SocketAddress original) {
    this.localAddress = original;
    this.localAddressRestored = true;
  }

  /** Whether {@link #localAddress()} is an original destination restored by a listener filter. */
  public boolean localAddressRestored() {
    return localAddressRestored;
  }

  /** SNI, or "". */
  public String serverName() {
    return serverName;
  }

  public void setServerName(String serverName) {
    this.serverName = serverName == null ? "" : serverName;
  }

  /** {@code tls}, {@code raw_buffer}, or "" when no filter detected one yet. */
  public String transportProtocol() {
    return transportProtocol;
  }

  public void setTransportProtocol(String transportProtocol) {
    this.transportProtocol = transportProtocol == null ? "" : transportProtocol;
  }

  /** ALPN of a TLS ClientHello, or what http_inspector detected ({@code http/1.1}, {@code h2c}, ...). */
  public List<String> applicationProtocols() {
    return applicationProtocols;
  }

  public void setApplicationProtocols(List<String> protocols) {
    this.applicationProtocols = List.copyOf(protocols);
  }

  /** A filter rejects the connection: it is closed, and counted as a listener filter error. */
  public void reject() {
    rejected = true;
  }

  public boolean rejected() {
    return rejected;
  }
}
