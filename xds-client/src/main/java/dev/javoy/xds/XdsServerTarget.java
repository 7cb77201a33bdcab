package dev.javoy.xds;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the management server is and how to talk to it: a TCP {@code host:port} or a Unix domain socket
 * (Istio's {@code ./etc/istio/proxy/XDS} pipe), plaintext or TLS, HTTP/2 keepalive. Immutable; the
 * {@code with...} methods return a changed copy.
 */
public final class XdsServerTarget {
  /** Envoy puts no limit on the size of an xDS response; neither do we unless told. */
  public static final int UNLIMITED_MESSAGE_SIZE = Integer.MAX_VALUE;

  private final SocketAddress address;
  private final SslContext sslContext;
  private final String authority;
  private final Duration keepAliveTime;
  private final Duration keepAliveTimeout;
  private final boolean keepAliveWithoutCalls;
  private final int maxInboundMessageSize;

  private XdsServerTarget(SocketAddress address, SslContext sslContext, String authority,
      Duration keepAliveTime, Duration keepAliveTimeout, boolean keepAliveWithoutCalls,
      int maxInboundMessageSize) {
    this.address = address;
    this.sslContext = sslContext;
    this.authority = authority;
    this.keepAliveTime = keepAliveTime;
    this.keepAliveTimeout = keepAliveTimeout;
    this.keepAliveWithoutCalls = keepAliveWithoutCalls;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  /** A TCP server; the host name is resolved by gRPC's DNS resolver. */
  public static XdsServerTarget tcp(String host, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return of(InetSocketAddress.createUnresolved(Objects.requireNonNull(host, "host"), port));
  }

  /** A Unix domain socket path; needs a native transport (epoll) event loop group and channel type. */
  public static XdsServerTarget unixSocket(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("empty Unix socket path");
    }
    return of(new DomainSocketAddress(path));
  }

  /** A server at this address (an {@link InetSocketAddress} or a {@link DomainSocketAddress}). */
  public static XdsServerTarget of(SocketAddress address) {
    return new XdsServerTarget(Objects.requireNonNull(address, "address"), null, null, null, null, false,
        UNLIMITED_MESSAGE_SIZE);
  }

  /**
   * Uses TLS with this client context. The context must negotiate HTTP/2 by ALPN (build it with
   * {@code io.grpc.netty.GrpcSslContexts.forClient()} or configure ALPN {@code h2} yourself).
   */
  public XdsServerTarget withTls(SslContext clientContext) {
    if (!Objects.requireNonNull(clientContext, "clientContext").isClient()) {
      throw new IllegalArgumentException("a server SslContext was given where a client one is needed");
    }
    return new XdsServerTarget(address, clientContext, authority, keepAliveTime, keepAliveTimeout,
        keepAliveWithoutCalls, maxInboundMessageSize);
  }

  /** The {@code :authority} (and TLS server name) to send; by default {@code host:port}, or {@code localhost} for a Unix socket. */
  public XdsServerTarget withAuthority(String newAuthority) {
    return new XdsServerTarget(address, sslContext, Objects.requireNonNull(newAuthority, "authority"),
        keepAliveTime, keepAliveTimeout, keepAliveWithoutCalls, maxInboundMessageSize);
  }

  /** HTTP/2 PING keepalive: a ping after {@code time} without reads, the connection closed after {@code timeout} without an answer. */
  public XdsServerTarget withKeepAlive(Duration time, Duration timeout, boolean withoutCalls) {
    if (time.isNegative() || time.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("keepalive time and timeout must be positive");
    }
    return new XdsServerTarget(address, sslContext, authority, time, timeout, withoutCalls,
        maxInboundMessageSize);
  }

  /** The largest response accepted, in bytes. */
  public XdsServerTarget withMaxInboundMessageSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("max inbound message size must be positive");
    }
    return new XdsServerTarget(address, sslContext, authority, keepAliveTime, keepAliveTimeout,
        keepAliveWithoutCalls, bytes);
  }

  public SocketAddress address() {
    return address;
  }

  public boolean isUnixSocket() {
    return address instanceof DomainSocketAddress;
  }

  /** The TLS context; empty for plaintext. */
  public Optional<SslContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  public Optional<String> authority() {
    return Optional.ofNullable(authority);
  }

  /** The keepalive interval; empty when keepalive is off. */
  public Optional<Duration> keepAliveTime() {
    return Optional.ofNullable(keepAliveTime);
  }

  public Optional<Duration> keepAliveTimeout() {
    return Optional.ofNullable(keepAliveTimeout);
  }

  public boolean keepAliveWithoutCalls() {
    return keepAliveWithoutCalls;
  }

  public int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  @Override
  public String toString() {
    String where;
    if (address instanceof InetSocketAddress inet) {
      where = inet.getHostString() + ":" + inet.getPort();
    } else if (address instanceof DomainSocketAddress uds) {
      where = "unix:" + uds.path();
    } else {
      where = address.toString();
    }
    return where + (sslContext != null ? " (tls)" : " (plaintext)");
  }
}
