package dev.javoy.listener;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.server.Server;
import dev.javoy.proxy.server.ServerOptions;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import org.junit.jupiter.api.Test;

/**
 * Listener filter and ORIGINAL_DST cluster config as {@code --mode validate} sees it: what javoy accepts, and
 * what it rejects with the JSON path and the message type.
 */
class ListenerFilterConfigTest {
  private static final String CHAIN = """
      filter_chains:
      - filters:
        - name: envoy.filters.network.tcp_proxy
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
            stat_prefix: t
            cluster: c
      """;
  private static final String CLUSTER = """
    clusters:
    - name: c
      type: STATIC
      load_assignment: {cluster_name: c}
    """;

  private static void validate(String listenerExtras, String clusters) throws ConfigException {
    String yaml = "static_resources:\n  listeners:\n  - name: l\n    address: {socket_address: {address: 0.0.0.0, "
        + "port_value: 15001}}\n" + indent(listenerExtras, 4) + indent(CHAIN, 4) + indent(clusters, 2);
    ServerOptions d = ServerOptions.defaults();
    ServerOptions options = new ServerOptions(null, yaml, ServerOptions.Mode.VALIDATE, 2, d.drainTime(),
        d.drainStrategy(), d.parentShutdownTime(), "v4", null, null, null, false, false, d.fileFlushInterval(),
        d.fileFlushMinSizeKb(), d.transport());
    Bootstrap b = new BootstrapLoader(CoreTypes.defaultRegistry().typeRegistry())
        .parse(yaml, ConfigDocuments.Syntax.YAML, UnknownFieldPolicy.REJECT, "test");
    Server.validate(options, b);
  }

  private static String indent(String s, int n) {
    String pad = " ".repeat(n);
    StringBuilder out = new StringBuilder();
    for (String line : s.split("\n")) {
      if (!line.isBlank()) {
        out.append(pad).append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static void assertRejected(String listenerExtras, String clusters, String... fragments) {
    ConfigException e = assertThrows(ConfigException.class, () -> validate(listenerExtras, clusters));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
  }

  @Test
  void istioStyleListenerFiltersAreAccepted() {
    assertDoesNotThrow(() -> validate("""
        use_original_dst: true
        listener_filters_timeout: 0s
        continue_on_listener_filters_timeout: true
        listener_filters:
        - name: envoy.filters.listener.original_dst
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst
        - name: envoy.filters.listener.tls_inspector
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
            initial_read_buffer_size: 1024
          filter_disabled:
            or_match:
              rules:
              - destination_port_range: {start: 15006, end: 15007}
              - not_match: {any_match: true}
        - name: envoy.filters.listener.http_inspector
        """, CLUSTER));
  }

  @Test
  void ja3FingerprintingIsRejected() {
    assertRejected("""
        listener_filters:
        - name: envoy.filters.listener.tls_inspector
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
            enable_ja3_fingerprinting: true
        """, CLUSTER, "listener_filters[0].typed_config.enable_ja3_fingerprinting",
        "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector");
  }

  @Test
  void unimplementedListenerFilterIsRejected() {
    assertRejected("""
        listener_filters:
        - name: envoy.filters.listener.proxy_protocol
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol
        """, CLUSTER, "listener_filters[0].typed_config", "unsupported extension type URL",
        "ProxyProtocol");
  }

  @Test
  void extensionConfigDiscoveryIsRejected() {
    assertRejected("""
        listener_filters:
        - name: envoy.filters.listener.tls_inspector
          config_discovery:
            type_urls: ["type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"]
            config_source: {ads: {}}
        """, CLUSTER, "listener_filters[0].config_discovery", "field not supported");
  }

  @Test
  void originalDstClusterNeedsClusterProvided() {
    assertDoesNotThrow(() -> validate("", """
        clusters:
        - name: c
          type: ORIGINAL_DST
          lb_policy: CLUSTER_PROVIDED
          cleanup_interval: 10s
          original_dst_lb_config: {use_http_header: true, http_header_name: x-dst, upstream_port_override: 8080}
        """));
    assertRejected("", """
        clusters:
        - name: c
          type: ORIGINAL_DST
        """, "clusters[0].lb_policy", "Only 'CLUSTER_PROVIDED' is allowed with cluster type 'ORIGINAL_DST'");
    assertRejected("", """
        clusters:
        - name: c
          type: STATIC
          lb_policy: CLUSTER_PROVIDED
          load_assignment: {cluster_name: c}
        """, "clusters[0].lb_policy");
    assertRejected("", """
        clusters:
        - name: c
          type: ORIGINAL_DST
          lb_policy: CLUSTER_PROVIDED
          original_dst_lb_config: {metadata_key: {key: k, path: [{key: p}]}}
        """, "clusters[0].original_dst_lb_config.metadata_key", "field not supported");
  }
}
