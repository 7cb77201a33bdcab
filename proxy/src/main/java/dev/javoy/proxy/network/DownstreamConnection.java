package dev.javoy.proxy.network;

import dev.javoy.proxy.listener.ListenerStats;
import io.netty.channel.Channel;
import java.net.SocketAddress;

/**
 * One accepted downstream connection as network filters see it (Envoy's {@code Network::Connection}): the
 * channel, its addresses (the local one is the original destination for redirected traffic), the listener
 * and filter chain it came through, and an id. Lives on its worker's thread.
 */
public final class DownstreamConnection {
  private final Channel channel;
  private final long id;
  private final SocketAddress localAddress;
  private final SocketAddress remoteAddress;
  private final String listenerName;
  private final String filterChainName;
  private final ListenerStats listenerStats;
  private final int bufferLimitBytes;
  private String requestedServerName = "";
  private boolean localAddressRestored;
  /** Set when the filter chain terminates TLS; filled when the handshake completes. */
  private dev.javoy.proxy.tls.TlsConnectionInfo tls;
  private DrainDecision drainDecision = DrainDecision.NEVER;

  public DownstreamConnection(Channel channel, long id, SocketAddress localAddress, SocketAddress remoteAddress,
      String listenerName, String filterChainName, ListenerStats listenerStats, int bufferLimitBytes) {
    this.channel = channel;
    this.id = id;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
    this.listenerName = listenerName;
    this.filterChainName = filterChainName;
    this.listenerStats = listenerStats;
    this.bufferLimitBytes = bufferLimitBytes;
  }

  public Channel channel() {
    return channel;
  }

  /** Process-unique connection id ({@code %CONNECTION_ID%}). */
  public long id() {
    return id;
  }

  /** The destination the client connected to (the original destination when traffic was redirected). */
  public SocketAddress localAddress() {
    return localAddress;
  }

  /** Whether {@link #localAddress()} is an original destination a listener filter restored (original_dst). */
  public boolean localAddressRestored() {
    return localAddressRestored;
  }

  public void setLocalAddressRestored(boolean restored) {
    this.localAddressRestored = restored;
  }

  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  public String listenerName() {
    return listenerName;
  }

  public String filterChainName() {
    return filterChainName;
  }

  public ListenerStats listenerStats() {
    return listenerStats;
  }

  /** {@code per_connection_buffer_limit_bytes} of the listener (Envoy default 1 MiB). */
  public int bufferLimitBytes() {
    return bufferLimitBytes;
  }

  /** SNI from TLS inspection, or "". */
  public String requestedServerName() {
    return requestedServerName;
  }

  public void setRequestedServerName(String sni) {
    this.requestedServerName = sni == null ? "" : sni;
  }

  /**
   * The TLS facts of this connection (Envoy's {@code connection.ssl()}): null on a plaintext filter chain; on a
   * TLS one, present from accept and filled once the handshake completed (see
   * {@link dev.javoy.proxy.tls.TlsConnectionInfo#handshakeComplete()}).
   */
  public dev.javoy.proxy.tls.TlsConnectionInfo tls() {
    return tls;
  }

  public void setTls(dev.javoy.proxy.tls.TlsConnectionInfo tls) {
    this.tls = tls;
  }

  /** Whether the filter chain terminates TLS. */
  public boolean isTls() {
    return tls != null;
  }

  /** Whether the peer presented a certificate in a completed handshake. */
  public boolean peerCertificatePresented() {
    return tls != null && tls.peerCertificatePresented();
  }

  /** URI SANs of the peer certificate (the SPIFFE id of an Istio workload); empty without one. */
  public java.util.List<String> peerUriSans() {
    return tls == null ? java.util.List.of() : tls.peerUriSans();
  }

  /** DNS SANs of the peer certificate; empty without one. */
  public java.util.List<String> peerDnsSans() {
    return tls == null ? java.util.List.of() : tls.peerDnsSans();
  }

  /** The peer certificate's subject (RFC 2253), or "". */
  public String peerSubject() {
    return tls == null ? "" : tls.peerSubject();
  }

  /** The peer certificate's serial number in hex, or "". */
  public String peerSerial() {
    return tls == null ? "" : tls.peerSerial();
  }

  /** SHA-256 of the peer certificate in lowercase hex, or "". */
  public String peerSha256Fingerprint() {
    return tls == null ? "" : tls.peerSha256Fingerprint();
  }

  /** {@code TLSv1.2} / {@code TLSv1.3}, or "" on plaintext. */
  public String tlsVersion() {
    return tls == null ? "" : tls.tlsVersion();
  }

  /** The negotiated cipher (BoringSSL name), or "". */
  public String tlsCipher() {
    return tls == null ? "" : tls.cipher();
  }

  /** The ALPN protocol negotiated, or "". */
  public String negotiatedAlpn() {
    return tls == null ? "" : tls.alpn();
  }

  private dev.javoy.proxy.stream.FilterState filterState;

  /** Connection-lifespan filter state (Envoy's connection {@code FilterState}), created on first use. */
  public dev.javoy.proxy.stream.FilterState filterState() {
    if (filterState == null) {
      filterState = new dev.javoy.proxy.stream.FilterState();
    }
    return filterState;
  }

  private dev.javoy.proxy.stream.StreamInfo streamInfo;

  /**
   * The connection-level {@link dev.javoy.proxy.stream.StreamInfo} of a terminal TCP filter (tcp_proxy: cluster,
   * response flags, bytes), for network filters before it such as Istio's TCP stats; null otherwise.
   */
  public dev.javoy.proxy.stream.StreamInfo streamInfo() {
    return streamInfo;
  }

  public void setStreamInfo(dev.javoy.proxy.stream.StreamInfo info) {
    this.streamInfo = info;
  }

  /** The filter state if a filter stored something, else null. */
  public dev.javoy.proxy.stream.FilterState filterStateOrNull() {
    return filterState;
  }

  /** Whether the listener is draining this connection (read on each response). */
  public DrainDecision drainDecision() {
    return drainDecision;
  }

  public void setDrainDecision(DrainDecision d) {
    this.drainDecision = d;
  }
}
