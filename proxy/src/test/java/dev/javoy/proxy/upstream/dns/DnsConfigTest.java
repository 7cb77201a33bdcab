package dev.javoy.proxy.upstream.dns;

import static dev.javoy.proxy.upstream.dns.DnsClusterTest.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.JitteredBackoff;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DnsConfigTest {
  private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final DnsResolver never = (hostname, family, done) -> {};
  private final ClusterFactory factory = new ClusterFactory(new StatsStore(), List.of(),
      new DnsHostDiscoveryFactory(GROUP.next(), never));

  @AfterAll
  static void tearDown() {
    GROUP.shutdownGracefully();
  }

  @Test
  void logicalDnsNeedsExactlyOneEndpoint() {
    ConfigException e = assertThrows(ConfigException.class, () -> factory.create(cluster("""
        {"name": "l", "type": "LOGICAL_DNS", "load_assignment": {"endpoints": [{"lb_endpoints": [
          {"endpoint": {"address": {"socket_address": {"address": "a.test", "port_value": 1}}}},
          {"endpoint": {"address": {"socket_address": {"address": "b.test", "port_value": 1}}}}]}]}}
        """), "clusters[3]"));
    assertEquals("clusters[3].load_assignment", e.path());
  }

  @Test
  void failureRefreshRateNeedsABaseInterval() {
    ConfigException e = assertThrows(ConfigException.class, () -> factory.create(cluster("""
        {"name": "s", "type": "STRICT_DNS", "dns_failure_refresh_rate": {"max_interval": "10s"},
         "load_assignment": {"endpoints": [{"lb_endpoints": [
          {"endpoint": {"address": {"socket_address": {"address": "a.test", "port_value": 1}}}}]}]}}
        """), "c"));
    assertEquals("c.dns_failure_refresh_rate.base_interval", e.path());
  }

  @Test
  void dnsEndpointsMustBeSocketAddresses() {
    ConfigException e = assertThrows(ConfigException.class, () -> factory.create(cluster("""
        {"name": "s", "type": "STRICT_DNS", "load_assignment": {"endpoints": [{"lb_endpoints": [
          {"endpoint": {"address": {"pipe": {"path": "/tmp/x"}}}}]}]}}
        """), "c"));
    assertEquals("c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address", e.path());
  }

  @Test
  void unimplementedResolverSettingsAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> factory.create(cluster("""
        {"name": "s", "type": "STRICT_DNS", "dns_resolvers": [{"socket_address": {"address": "1.1.1.1"}}],
         "load_assignment": {"endpoints": [{"lb_endpoints": [
          {"endpoint": {"address": {"socket_address": {"address": "a.test", "port_value": 1}}}}]}]}}
        """), "c"));
    assertEquals("c.dns_resolvers", e.path());
  }

  @Test
  void refreshPolicyUsesTtlOnlyWhenAsked() throws Exception {
    DnsRefreshPolicy plain = DnsRefreshPolicy.from(cluster("{\"name\": \"x\"}"), "c");
    assertEquals(5000, plain.afterSuccess(30));
    assertEquals(5000, plain.afterFailure(plain.newFailureBackoff()));
    DnsRefreshPolicy ttl = DnsRefreshPolicy.from(cluster("""
        {"name": "x", "respect_dns_ttl": true, "dns_refresh_rate": "2s", "dns_jitter": "0.5s",
         "dns_failure_refresh_rate": {"base_interval": "1s", "max_interval": "4s"}}"""), "c");
    long d = ttl.afterSuccess(30);
    assertTrue(d >= 30_000 && d < 30_500, "ttl plus jitter: " + d);
    long dd = ttl.afterSuccess(0);
    assertTrue(dd >= 2000 && dd < 2500, "refresh rate when no ttl: " + dd);
    JitteredBackoff b = ttl.newFailureBackoff();
    for (int i = 0; i < 10; i++) {
      assertTrue(ttl.afterFailure(b) < 4000);
    }
  }

  @Test
  void familiesSelectAsEnvoy() throws Exception {
    InetAddress v4 = InetAddress.getByName("10.0.0.1");
    InetAddress v6 = InetAddress.getByName("fd00::1");
    List<InetAddress> both = List.of(v6, v4, v6);
    assertEquals(List.of(v6), NettyDnsResolver.select(both, DnsLookupFamily.AUTO));
    assertEquals(List.of(v4), NettyDnsResolver.select(both, DnsLookupFamily.V4_PREFERRED));
    assertEquals(List.of(v4), NettyDnsResolver.select(both, DnsLookupFamily.V4_ONLY));
    assertEquals(List.of(v6), NettyDnsResolver.select(both, DnsLookupFamily.V6_ONLY));
    assertEquals(List.of(v6, v4), NettyDnsResolver.select(both, DnsLookupFamily.ALL));
    assertEquals(List.of(v4), NettyDnsResolver.select(List.of(v4), DnsLookupFamily.AUTO));
    assertEquals(List.of(), NettyDnsResolver.select(List.of(v4), DnsLookupFamily.V6_ONLY));
  }
}
