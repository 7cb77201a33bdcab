package dev.javoy.config;

import static dev.javoy.config.BootstrapLoaderTest.LOADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every problem in a bootstrap is reported at its JSON path. */
class BootstrapErrorsTest {
  static final String HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
      + ".HttpConnectionManager";
  static final String FILTER_PATH = "static_resources.listeners[0].filter_chains[0].filters[0]";

  static Bootstrap load(String yaml, UnknownFieldPolicy policy) throws ConfigException {
    return LOADER.parse(yaml, ConfigDocuments.Syntax.YAML, policy, "test.yaml");
  }

  static String error(String yaml) {
    Executable load = () -> load(yaml, UnknownFieldPolicy.REJECT);
    return assertThrows(ConfigException.class, load).getMessage();
  }

  static String cluster(String body) {
    return "static_resources:\n  clusters:\n  - name: c\n" + body.indent(4);
  }

  static String filter(String typedConfig) {
    return "static_resources:\n  listeners:\n  - name: l\n    filter_chains:\n    - filters:\n"
        + "      - name: f\n        typed_config:\n" + typedConfig.indent(10);
  }

  @Test
  void unknownFieldIsReportedWithItsFullPath() {
    String yaml = cluster("""
        load_assignment:
          cluster_name: c
          endpoints:
          - lb_endpoints:
            - endpoint:
                adress: {socket_address: {address: 1.2.3.4, port_value: 80}}
        """);
    assertEquals("static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.adress: "
        + "unknown field \"adress\" in envoy.config.endpoint.v3.Endpoint", error(yaml));
  }

  @Test
  void severalUnknownFieldsAreAllNamed() {
    String message = error("nod: {}\nstatic_resources: {clusterz: []}\n");
    assertTrue(message.startsWith("nod: unknown field \"nod\" in envoy.config.bootstrap.v3.Bootstrap"), message);
    assertTrue(message.contains("also unknown: static_resources.clusterz"), message);
  }

  @Test
  void unknownFieldInsideAnAnyNamesTheMessageTypeOfTheAny() {
    String yaml = filter("\"@type\": " + HCM + "\nstat_prefx: x\n");
    assertEquals(FILTER_PATH + ".typed_config.stat_prefx: unknown field \"stat_prefx\" in "
        + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", error(yaml));
  }

  @Test
  void allowedUnknownFieldsAreLoggedAndDropped() throws Exception {
    List<LogRecord> records = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger config = Logger.getLogger("javoy.config");
    config.addHandler(capture);
    try {
      Bootstrap b = load("node: {id: n, colour: blue}\n" + filter("\"@type\": " + HCM + "\nstat_prefix: s\nfoo: 1\n"),
          UnknownFieldPolicy.WARN);
      assertEquals("n", b.getNode().getId());
      HttpConnectionManager hcm = b.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0)
          .getTypedConfig().unpack(HttpConnectionManager.class);
      assertEquals("s", hcm.getStatPrefix());
    } finally {
      config.removeHandler(capture);
    }
    assertEquals(2, records.size());
    assertEquals(Level.WARNING, records.get(0).getLevel());
    assertTrue(records.get(0).getMessage().startsWith(
        "node.colour: unknown field \"colour\" in envoy.config.core.v3.Node"), records.get(0).getMessage());
    assertTrue(records.get(1).getMessage().startsWith(FILTER_PATH + ".typed_config.foo: unknown field \"foo\""));
  }

  @Test
  void ignoredUnknownFieldsAreDroppedSilently() throws Exception {
    assertEquals("n", load("node: {id: n, colour: blue}", UnknownFieldPolicy.IGNORE).getNode().getId());
  }

  @Test
  void anyOfATypeJavoyLacksIsUnsupportedAtTheTypedConfigPath() {
    String yaml = filter("\"@type\": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy\n"
        + "stat_prefix: t\n");
    assertEquals(FILTER_PATH + ".typed_config: unsupported extension type URL "
        + "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", error(yaml));
  }

  @Test
  void unsupportedTypeIsAnErrorEvenWhenUnknownFieldsAreAllowed() {
    String yaml = filter("\"@type\": type.googleapis.com/no.such.Type\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, UnknownFieldPolicy.WARN));
    assertEquals(FILTER_PATH + ".typed_config", e.path());
  }

  @Test
  void typedStructValueIsCheckedAsTheTypeItNames() throws Exception {
    for (String typedStruct : List.of("udpa.type.v1.TypedStruct", "xds.type.v3.TypedStruct")) {
      String ok = filter("\"@type\": type.googleapis.com/" + typedStruct + "\ntype_url: " + HCM
          + "\nvalue: {stat_prefix: ts, generate_request_id: false}\n");
      load(ok, UnknownFieldPolicy.REJECT);
      String unknown = filter("\"@type\": type.googleapis.com/" + typedStruct + "\ntype_url: " + HCM
          + "\nvalue: {stat_prefx: ts}\n");
      assertEquals(FILTER_PATH + ".typed_config.value.stat_prefx: unknown field \"stat_prefx\" in "
          + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", error(unknown));
      String unsupported = filter("\"@type\": type.googleapis.com/" + typedStruct
          + "\ntype_url: type.googleapis.com/envoy.extensions.bootstrap.internal_listener.v3.InternalListener"
          + "\nvalue: {buffer_size_kb: 64}\n");
      assertEquals(FILTER_PATH + ".typed_config: unsupported extension type URL "
          + "type.googleapis.com/envoy.extensions.bootstrap.internal_listener.v3.InternalListener",
          error(unsupported));
    }
  }

  @Test
  void typeErrorsNameThePathAndWhatWasExpected() {
    String address = "load_assignment: {endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: "
        + "{address: 1.2.3.4, port_value: %s}}}}]}]}";
    String portPath = "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address"
        + ".socket_address.port_value";
    assertEquals(portPath + ": invalid value \"http\": expected an integer (uint32)",
        error(cluster(address.formatted("http"))));
    assertEquals(portPath + ": invalid value 70000000000: expected an integer (uint32)",
        error(cluster(address.formatted("70000000000"))));
    assertEquals("static_resources.clusters[0].connect_timeout: invalid value \"5 seconds\": expected a duration "
        + "such as \"1.5s\"", error(cluster("connect_timeout: 5 seconds")));
    assertTrue(error(cluster("lb_policy: ROUND_ROBINN")).startsWith(
        "static_resources.clusters[0].lb_policy: invalid value \"ROUND_ROBINN\": expected one of ROUND_ROBIN,"));
    assertEquals("static_resources.clusters[0].name: invalid value an object: expected a string",
        error("static_resources: {clusters: [{name: {a: b}}]}"));
    assertEquals("static_resources.clusters[0]: invalid value \"x\": expected an object "
        + "(envoy.config.cluster.v3.Cluster)", error("static_resources: {clusters: x}"));
  }

  @Test
  void twoMembersOfOneOneofAreAnError() {
    String message = error(cluster("type: STATIC\ncluster_type: {name: envoy.clusters.aggregate}"));
    assertTrue(message.startsWith("static_resources.clusters[0].cluster_type: only one of type and cluster_type"),
        message);
  }

  @Test
  void scalarsAreReadAsTheFieldTypeWants() throws Exception {
    Bootstrap b = load(cluster("""
        ignore_health_on_host_removal: on
        alt_stat_name: on
        per_connection_buffer_limit_bytes: "0x100"
        lb_policy: 1
        cleanup_interval: 5s
        """), UnknownFieldPolicy.REJECT);
    var c = b.getStaticResources().getClusters(0);
    assertTrue(c.getIgnoreHealthOnHostRemoval(), "YAML 'on' in a bool field");
    assertEquals("on", c.getAltStatName(), "'on' in a string field stays text");
    assertEquals(256, c.getPerConnectionBufferLimitBytes().getValue(), "hex in a wrapper");
    assertEquals(1, c.getLbPolicyValue(), "enum by number");
    assertEquals(5, c.getCleanupInterval().getSeconds());
  }

  @Test
  void structsKeepYamlTypesAndQuotedStringsStayStrings() throws Exception {
    Bootstrap b = load("node: {metadata: {port: 15090, on: yes, quoted: \"15090\", ratio: 0.5, none: ~, "
        + "list: [1, a], hex: 0x1e, exp: 1e3, clock: 10:30}}", UnknownFieldPolicy.REJECT);
    var f = b.getNode().getMetadata().getFieldsMap();
    assertEquals(15090.0, f.get("port").getNumberValue());
    assertTrue(f.get("on").getBoolValue());
    assertEquals("15090", f.get("quoted").getStringValue());
    assertEquals(0.5, f.get("ratio").getNumberValue());
    assertTrue(f.get("none").hasNullValue());
    assertEquals("a", f.get("list").getListValue().getValues(1).getStringValue());
    assertEquals(30.0, f.get("hex").getNumberValue());
    assertEquals(1000.0, f.get("exp").getNumberValue());
    assertEquals("10:30", f.get("clock").getStringValue());
  }

  @Test
  void aSingleValueForAListIsAOneElementList() throws Exception {
    Bootstrap b = load("static_resources: {listeners: [{name: l, filter_chains: [{filters: {name: f}}]}]}",
        UnknownFieldPolicy.REJECT);
    assertEquals("f", b.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0).getName());
  }

  @Test
  void mapEntriesArePathedByKey() {
    String message = error("node: {metadata: {}}\nstatic_resources: {clusters: [{name: c, typed_extension_protocol_"
        + "options: {envoy.extensions.upstreams.http.v3.HttpProtocolOptions: {\"@type\": type.googleapis.com/x.Y}}}]}");
    assertEquals("static_resources.clusters[0].typed_extension_protocol_options"
        + "[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]: unsupported extension type URL "
        + "type.googleapis.com/x.Y", message);
  }

  @Test
  void sameFieldInBothSpellingsIsAnError() {
    assertTrue(error("node: {id: a}\nstatic_resources: {clusters: [{name: a, connect_timeout: 1s, "
        + "connectTimeout: 2s}]}").startsWith("static_resources.clusters[0].connect_timeout: field given twice"));
  }

  @Test
  void nullMeansUnset() throws Exception {
    assertFalse(load("node: ~\nadmin: null", UnknownFieldPolicy.REJECT).hasNode());
  }
}
