package dev.javoy.proxy.stream;

import java.util.List;

/**
 * ALPN protocols to offer on the upstream TLS connection of one request, by the HTTP protocol the upstream
 * connection will speak (Envoy's filter state {@code envoy.network.application_protocols}, set by Istio's
 * {@code istio.alpn} filter). The upstream TLS engine asks {@link #forProtocol} once it knows the protocol of the
 * connection it opens; an empty list means "no override".
 */
public record UpstreamAlpnOverride(List<String> http10, List<String> http11, List<String> http2) {
  /** The HTTP protocol of an upstream connection. */
  public enum UpstreamProtocol { HTTP10, HTTP11, HTTP2 }

  public UpstreamAlpnOverride {
    http10 = List.copyOf(http10);
    http11 = List.copyOf(http11);
    http2 = List.copyOf(http2);
  }

  public List<String> forProtocol(UpstreamProtocol p) {
    return switch (p) {
      case HTTP10 -> http10;
      case HTTP11 -> http11;
      case HTTP2 -> http2;
    };
  }
}
