package dev.javoy.filters.listener.tls_inspector;

import dev.javoy.proxy.listener.filter.ListenerFilter;
import dev.javoy.proxy.listener.filter.ListenerFilterContext;
import io.netty.buffer.ByteBuf;

/**
 * {@code envoy.filters.listener.tls_inspector}: tells TLS from plaintext by the connection's first bytes and, for
 * TLS, takes SNI and ALPN from the ClientHello: transport protocol {@code tls} (else left for the listener's
 * default, {@code raw_buffer}), server name and application protocols for filter chain selection. A ClientHello
 * above the maximum size closes the connection ({@code client_hello_too_large}).
 */
public final class TlsInspectorFilter implements ListenerFilter {
  /** Envoy's largest ClientHello the inspector reads (64 KiB). */
  public static final int MAX_CLIENT_HELLO_SIZE = 64 * 1024;

  private final TlsInspectorStats stats;
  private final int maxClientHelloSize;

  TlsInspectorFilter(TlsInspectorStats stats, int maxClientHelloSize) {
    this.stats = stats;
    this.maxClientHelloSize = maxClientHelloSize;
  }

  @Override
  public Status onAccept(ListenerFilterContext context) {
    return Status.STOP_ITERATION; // needs the ClientHello
  }

  @Override
  public Status onData(ListenerFilterContext context, ByteBuf peeked) {
    ClientHelloParser.Result r = ClientHelloParser.parse(peeked, maxClientHelloSize);
    if (r instanceof ClientHelloParser.NeedMore) {
      if (peeked.readableBytes() >= maxClientHelloSize + 5 * 8) {
        stats.clientHelloTooLarge.inc();
        context.reject();
      }
      return Status.STOP_ITERATION;
    }
    if (r instanceof ClientHelloParser.TooLarge) {
      stats.clientHelloTooLarge.inc();
      context.reject();
      return Status.STOP_ITERATION;
    }
    if (r instanceof ClientHelloParser.ClientHello hello) {
      stats.tlsFound.inc();
      stats.bytesProcessed.record(hello.bytes());
      context.setTransportProtocol("tls");
      if (hello.serverName().isEmpty()) {
        stats.sniNotFound.inc();
      } else {
        stats.sniFound.inc();
        context.setServerName(hello.serverName());
      }
      if (hello.alpn().isEmpty()) {
        stats.alpnNotFound.inc();
      } else {
        stats.alpnFound.inc();
        context.setApplicationProtocols(hello.alpn());
      }
      return Status.CONTINUE;
    }
    stats.tlsNotFound.inc();
    stats.bytesProcessed.record(peeked.readableBytes());
    return Status.CONTINUE;
  }

  @Override
  public int maxReadBytes() {
    // the ClientHello plus the headers of the records it may span
    return maxClientHelloSize + 5 * 8 + 1;
  }
}
