package dev.javoy.proxy.http.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableFactoryTest {
  private static final StatsStore STATS = new StatsStore();

  private static FactoryContext context() throws ConfigException {
    ClusterFactory cf = new ClusterFactory(STATS, List.of(), (c, p) -> null);
    ClusterManager cm = new ClusterManager(cf);
    for (String name : List.of("a", "b", "c", "d", "e")) {
      cm.addStatic(cf.create(Cluster.newBuilder().setName(name).build(), "clusters"), "clusters");
    }
    ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
    return new FactoryContext() {
      @Override public StatsStore stats() { return STATS; }
      @Override public ExtensionResolver extensions() { return resolver; }
      @Override public ClusterManager clusterManager() { return cm; }
      @Override public ServerOptions options() { return ServerOptions.defaults(); }
      @Override public String listenerStatPrefix() { return "listener.test."; }
    };
  }

  static RouteTable table(String json) throws Exception {
    RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
    JsonFormat.parser().merge(json, b);
    return new RouteTableFactory(context()).create(b.build(), "route_config", true);
  }

  private static final String DOMAINS = """
      {"virtual_hosts": [
        {"name": "exact", "domains": ["www.example.com", "www.example.com:8080"], "routes": []},
        {"name": "suffix", "domains": ["*.example.com"], "routes": []},
        {"name": "longsuffix", "domains": ["*.api.example.com"], "routes": []},
        {"name": "prefix", "domains": ["foo.*"], "routes": []},
        {"name": "longprefix", "domains": ["foo.bar.*"], "routes": []},
        {"name": "any", "domains": ["*"], "routes": []}
      ]}""";

  @Test
  void domainsMatchExactThenLongestSuffixThenLongestPrefixThenAny() throws Exception {
    RouteTable t = table(DOMAINS);
    assertEquals("exact", t.findVirtualHost("WWW.Example.com").name());
    assertEquals("exact", t.findVirtualHost("www.example.com:8080").name());
    assertEquals("suffix", t.findVirtualHost("x.example.com").name());
    assertEquals("longsuffix", t.findVirtualHost("v1.api.example.com").name());
    assertEquals("prefix", t.findVirtualHost("foo.com").name());
    assertEquals("longprefix", t.findVirtualHost("foo.bar.baz").name());
    assertEquals("any", t.findVirtualHost("other.org").name());
    // the wildcard needs at least one character: "example.com" is not "*.example.com"
    assertEquals("any", t.findVirtualHost("example.com").name());
    // with a port and no entry for it, only the catch-all matches (Envoy without port stripping)
    assertEquals("any", t.findVirtualHost("www.example.com:9999").name());
  }

  @Test
  void ignorePortInHostMatchingStripsThePort() throws Exception {
    RouteTable t = table("{\"ignore_port_in_host_matching\": true, \"virtual_hosts\": ["
        + "{\"name\": \"v\", \"domains\": [\"www.example.com\"], \"routes\": []}]}");
    assertEquals("v", t.findVirtualHost("www.example.com:9999").name());
    assertNull(t.findVirtualHost("other:1"));
  }

  private static HttpRequest get(String path) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
  }

  @Test
  void routesMatchInOrderWithEnvoyPathSemantics() throws Exception {
    RouteTable t = table("""
        {"virtual_hosts": [{"name": "v", "domains": ["*"], "routes": [
          {"name": "exact", "match": {"path": "/exact"}, "route": {"cluster": "a"}},
          {"name": "ci", "match": {"prefix": "/CI", "case_sensitive": false}, "route": {"cluster": "b"}},
          {"name": "regex", "match": {"safe_regex": {"regex": "/re/[0-9]+"}}, "route": {"cluster": "c"}},
          {"name": "sep", "match": {"path_separated_prefix": "/sep"}, "route": {"cluster": "d"}},
          {"name": "grpc", "match": {"prefix": "/svc.", "grpc": {}}, "route": {"cluster": "e"}},
          {"name": "prefix", "match": {"prefix": "/"}, "direct_response": {"status": 200}}
        ]}]}""");
    VirtualHost vh = t.findVirtualHost("any");
    assertEquals("exact", vh.match(get("/exact?q=1"), "/exact?q=1").name());
    assertEquals("prefix", vh.match(get("/exact/more"), "/exact/more").name());
    assertEquals("ci", vh.match(get("/ci/x"), "/ci/x").name());
    assertEquals("regex", vh.match(get("/re/42?x"), "/re/42?x").name());
    assertEquals("prefix", vh.match(get("/re/42x"), "/re/42x").name());
    assertEquals("sep", vh.match(get("/sep"), "/sep").name());
    assertEquals("sep", vh.match(get("/sep/x"), "/sep/x").name());
    assertEquals("prefix", vh.match(get("/separate"), "/separate").name());
    HttpRequest grpc = get("/svc.Foo/Bar");
    assertEquals("prefix", vh.match(grpc, grpc.uri()).name());
    grpc.headers().set("content-type", "application/grpc+proto");
    assertEquals("grpc", vh.match(grpc, grpc.uri()).name());
  }

  @Test
  void unknownClusterIsRejectedWithItsPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> table(
        "{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"routes\": ["
            + "{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"nope\"}}]}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.cluster", e.path());
    assertTrue(e.getMessage().contains("unknown cluster 'nope'"));
  }

  @Test
  void duplicateDomainsAndUnsupportedFieldsAreRejected() {
    ConfigException dup = assertThrows(ConfigException.class, () -> table(
        "{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"a\"]}, {\"name\": \"w\", \"domains\": [\"a\"]}]}"));
    assertEquals("route_config.virtual_hosts[1].domains[0]", dup.path());
    ConfigException unsupported = assertThrows(ConfigException.class, () -> table(
        "{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"routes\": [{\"match\": {\"prefix\": \"/\"},"
            + " \"route\": {\"cluster\": \"a\", \"retry_policy\": {\"retry_on\": \"5xx\","
            + " \"rate_limited_retry_back_off\": {}}}}]}]}"));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.retry_policy.rate_limited_retry_back_off",
        unsupported.path());
  }

  @Test
  void onlyTheStarDomainMakesTheHostIrrelevant() throws Exception {
    RouteTable star = table("""
        {"virtual_hosts": [{"name": "any", "domains": ["*"], "routes": []}]}""");
    assertEquals(false, star.hostMatters());
    assertEquals("any", star.findVirtualHost("Whatever.Example:81").name());
    assertEquals("any", star.findVirtualHost(null).name());
    RouteTable none = table("""
        {"virtual_hosts": []}""");
    assertEquals(false, none.hostMatters());
    assertNull(none.findVirtualHost("a"));
    RouteTable domains = table(DOMAINS);
    assertTrue(domains.hostMatters());
    assertEquals("exact", domains.findVirtualHost("WWW.example.com").name());
    assertEquals("any", domains.findVirtualHost("other").name());
  }
}
