package dev.javoy.filters.listener.tls_inspector;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Histogram;
import dev.javoy.proxy.stats.StatsStore;

/** Envoy's {@code tls_inspector.*} stats (rooted at the server, shared by every listener using the filter). */
final class TlsInspectorStats {
  final Counter clientHelloTooLarge;
  final Counter tlsFound;
  final Counter tlsNotFound;
  final Counter alpnFound;
  final Counter alpnNotFound;
  final Counter sniFound;
  final Counter sniNotFound;
  final Histogram bytesProcessed;

  TlsInspectorStats(StatsStore stats) {
    clientHelloTooLarge = stats.counter("tls_inspector.client_hello_too_large");
    tlsFound = stats.counter("tls_inspector.tls_found");
    tlsNotFound = stats.counter("tls_inspector.tls_not_found");
    alpnFound = stats.counter("tls_inspector.alpn_found");
    alpnNotFound = stats.counter("tls_inspector.alpn_not_found");
    sniFound = stats.counter("tls_inspector.sni_found");
    sniNotFound = stats.counter("tls_inspector.sni_not_found");
    bytesProcessed = stats.histogram("tls_inspector.bytes_processed", Histogram.Unit.BYTES);
  }
}
