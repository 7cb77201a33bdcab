package dev.javoy.e2e;

import java.nio.file.Path;

/** Bootstraps with one TLS listener answering every request with a direct {@code 200 ok}, for TLS handshake tests. */
final class TlsListenerBootstrap {
  private TlsListenerBootstrap() {}

  /**
   * Admin on {@code admin}; listener {@code tls} on 127.0.0.1:{@code port} with the certificate and key files;
   * {@code filterChainFields} is an extra field of its filter chain, such as
   * {@code transport_socket_connect_timeout: 1s} (empty: none), and {@code tlsParams} the body of its {@code tls_params}
   * flow map, such as {@code tls_minimum_protocol_version: TLSv1_2} (empty: defaults).
   */
  static String okListener(int admin, int port, Path cert, Path key, String filterChainFields, String tlsParams) {
    return """
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          listeners:
          - name: tls
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    tls_params: {%s}
                    tls_certificates:
                    - certificate_chain: {filename: %s}
                      private_key: {filename: %s}
              filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: tls
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes: [{match: {prefix: "/"}, direct_response: {status: 200, body: {inline_string: "ok"}}}]
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
              %s
        """.formatted(admin, port, tlsParams, cert, key, filterChainFields);
  }
}
