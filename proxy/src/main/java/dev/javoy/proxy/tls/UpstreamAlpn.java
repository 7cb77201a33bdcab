package dev.javoy.proxy.tls;

/**
 * The ALPN an upstream connection offers when the {@code UpstreamTlsContext} lists none: what its pool speaks, as
 * Envoy's connection pools set the fallback ({@code h2} for HTTP/2, {@code http/1.1} for HTTP/1.1, nothing for
 * TCP).
 */
public enum UpstreamAlpn {
  NONE(null),
  HTTP11("http/1.1"),
  H2("h2");

  final String protocol;

  UpstreamAlpn(String protocol) {
    this.protocol = protocol;
  }
}
