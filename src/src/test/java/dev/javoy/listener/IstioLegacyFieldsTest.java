package dev.javoy.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.listener.ListenerConfig;
import dev.javoy.proxy.listener.ListenerFactory;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.HttpUpstreamOptions;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fields istiod sends that javoy now builds: a listener's {@code deprecated_v1.bind_to_port} and {@code access_log},
 * a cluster's {@code protocol_selection}; what of them javoy accepts, and what it rejects with the JSON path.
 */
class IstioLegacyFieldsTest {
  private final StatsStore stats = new StatsStore();
  private final ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
  private final ProtoJsonParser parser = new ProtoJsonParser(CoreTypes.defaultRegistry().typeRegistry());
  private final ClusterFactory clusters = new ClusterFactory(stats, List.of(), (c, p) -> (cluster, init) -> init.run());
  private final ClusterManager clusterManager = new ClusterManager(clusters);
  private final FactoryContext ctx = new FactoryContext() {
    @Override public StatsStore stats() { return stats; }
    @Override public ExtensionResolver extensions() { return resolver; }
    @Override public ClusterManager clusterManager() { return clusterManager; }
    @Override public ServerOptions options() { return ServerOptions.defaults(); }
    @Override public String listenerStatPrefix() { return ""; }
  };

  private ListenerConfig listener(String extras) throws ConfigException {
    String yaml = """
        name: l
        address: {socket_address: {address: 0.0.0.0, port_value: 15001}}
        filter_chains:
        - filters:
          - name: envoy.filters.network.tcp_proxy
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
              stat_prefix: t
              cluster: c
        """ + extras;
    Listener l = parser.parse(ConfigDocuments.parse(yaml, ConfigDocuments.Syntax.YAML, "test"),
        Listener.getDefaultInstance(), UnknownFieldPolicy.REJECT, "listeners[0]");
    return new ListenerFactory(prefix -> ctx).create(l, "listeners[0]");
  }

  private Cluster cluster(String yaml) throws ConfigException {
    return parser.parse(ConfigDocuments.parse(yaml, ConfigDocuments.Syntax.YAML, "test"),
        Cluster.getDefaultInstance(), UnknownFieldPolicy.REJECT, "clusters[0]");
  }

  @Test
  void deprecatedV1BindToPortFalseKeepsTheListenerOffItsPortAsEnvoyDoes() throws Exception {
    assertTrue(listener("").bindToPort());
    assertFalse(listener("deprecated_v1: {bind_to_port: false}\n").bindToPort()); // Istio 1.9's per-service listeners
    assertTrue(listener("deprecated_v1: {bind_to_port: true}\n").bindToPort());
    assertTrue(listener("deprecated_v1: {}\n").bindToPort());
    // Envoy binds only when neither says false
    assertFalse(listener("bind_to_port: true\ndeprecated_v1: {bind_to_port: false}\n").bindToPort());
    assertFalse(listener("bind_to_port: false\ndeprecated_v1: {bind_to_port: true}\n").bindToPort());
  }

  @Test
  void listenerAccessLogsAreBuiltWithTheirFilters() throws Exception {
    assertEquals(List.of(), listener("").accessLoggers());
    ListenerConfig l = listener("""
        access_log:
        - name: envoy.access_loggers.file
          filter: {response_flag_filter: {flags: ["NR"]}}
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: /dev/stdout
        """);
    assertEquals(1, l.accessLoggers().size());
    ConfigException e = assertThrows(ConfigException.class, () -> listener("""
        access_log:
        - name: envoy.access_loggers.file
          filter: {response_flag_filter: {flags: ["NOT_A_FLAG"]}}
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: /dev/stdout
        """));
    assertTrue(e.getMessage().contains("listeners[0].access_log[0].filter"), e.getMessage());
  }

  @Test
  void protocolSelectionUseDownstreamProtocolFollowsTheDownstream() throws Exception {
    Cluster c = cluster("""
        name: passthrough
        type: STATIC
        protocol_selection: USE_DOWNSTREAM_PROTOCOL
        load_assignment: {cluster_name: passthrough}
        """);
    assertEquals(HttpUpstreamOptions.Protocol.USE_DOWNSTREAM, HttpUpstreamOptions.from(c, "clusters[0]").protocol());
    Cluster configured = cluster("""
        name: h1
        protocol_selection: USE_CONFIGURED_PROTOCOL
        """);
    assertEquals(HttpUpstreamOptions.Protocol.HTTP1, HttpUpstreamOptions.from(configured, "clusters[0]").protocol());
    Cluster mixed = cluster("""
        name: mixed
        protocol_selection: USE_DOWNSTREAM_PROTOCOL
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
            "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
            explicit_http_config: {http2_protocol_options: {}}
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> HttpUpstreamOptions.from(mixed, "clusters[0]"));
    assertTrue(e.getMessage().contains("clusters[0].protocol_selection"), e.getMessage());
  }
}
