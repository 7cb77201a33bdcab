package dev.javoy.proxy.upstream.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.Addresses;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.dns.FakeDnsServer.Answer;
import dev.javoy.proxy.upstream.http1.Http1ConnectionPool;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DnsClusterTest {
  private final StatsStore stats = new StatsStore();
  private Transport transport;
  private EventLoopGroup mainGroup;
  private EventLoop mainLoop;
  private EventLoopGroup workerGroup;
  private EventLoop workerLoop;
  private FakeDnsServer dns;
  private final List<ClusterManager> managers = new java.util.ArrayList<>();
  private ClusterFactory factory;
  private DnsHostDiscoveryFactory discoveries;

  @BeforeEach
  void setUp() throws Exception {
    transport = Transport.select(
        ServerOptions.Transport.valueOf(System.getProperty("javoy.test.transport", "AUTO"))); // AUTO unless a run asks
    Transport.setCurrent(transport);
    mainGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    mainLoop = mainGroup.next();
    workerGroup = new MultiThreadIoEventLoopGroup(1,
        (java.util.concurrent.ThreadFactory) r -> new WorkerThread(r, "worker-0", 0, stats.newWorkerSlots()),
        transport.ioHandlerFactory());
    workerLoop = workerGroup.next();
    dns = new FakeDnsServer();
    useFakeDns();
  }

  private void useFakeDns() {
    discoveries = new DnsHostDiscoveryFactory(mainLoop,
        new NettyDnsResolver(mainLoop, stats, new SingletonDnsServerAddressStreamProvider(dns.address()), 200));
    factory = new ClusterFactory(stats, List.of(workerLoop), discoveries);
  }

  @AfterEach
  void tearDown() {
    managers.forEach(ClusterManager::shutdown);
    discoveries.close();
    dns.close();
    workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    mainGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void localhostResolvesThroughTheHostsFile() throws Exception {
    discoveries = new DnsHostDiscoveryFactory(mainLoop, stats); // the system's resolv.conf and /etc/hosts
    factory = new ClusterFactory(stats, List.of(workerLoop), discoveries);
    UpstreamCluster c = start(strictDns("local", "localhost", 8080, "\"dns_lookup_family\": \"V4_ONLY\","));
    assertEquals(List.of("127.0.0.1:8080"), addresses(c));
    assertEquals("localhost", c.hosts().all().get(0).hostname());
    assertEquals(1, c.stats().updateSuccess.value());
    assertEquals(0, dns.queries());
  }

  @Test
  void strictDnsMakesEveryAddressAHostAndFollowsChanges() throws Exception {
    dns.set("svc.test", Answer.of(30, ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.1")));
    dns.set("other.test", Answer.of(30, ip("10.0.0.3")));
    UpstreamCluster c = start(cluster("""
        {"name": "svc", "type": "STRICT_DNS", "dns_refresh_rate": "0.1s", "dns_lookup_family": "V4_ONLY",
         "load_assignment": {"endpoints": [{"lb_endpoints": [
           {"endpoint": {"address": {"socket_address": {"address": "svc.test", "port_value": 80}}}},
           {"endpoint": {"address": {"socket_address": {"address": "other.test", "port_value": 81}}}}]}]}}
        """));
    assertEquals(List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:81"), addresses(c)); // duplicates dropped
    Host kept = c.hosts().all().get(1);
    Http1ConnectionPool pool = onWorker(() -> c.forCurrentWorker().http1Pool(c.hosts().all().get(0), workerLoop));

    dns.set("svc.test", Answer.of(30, ip("10.0.0.2")));
    await(() -> addresses(c).equals(List.of("10.0.0.2:80", "10.0.0.3:81"))
        && c.stats().membershipTotal.value() == 2); // stats follow the host set
    assertSame(kept, c.hosts().all().get(0), "a host that stays keeps its identity");
    assertTrue(c.stats().membershipChange.value() >= 2);
    // The worker dropped the pool of the host that left: asking again gives a new pool.
    Host gone = pool.host();
    await(() -> onWorker(() -> c.forCurrentWorker().http1Pool(gone, workerLoop)) != pool);
  }

  @Test
  void lookupFamilyDefaultsToAutoWhichPrefersIpv6() throws Exception {
    dns.set("dual.test", Answer.of(30, ip("10.0.0.1"), ip("fd00::1")));
    String v6 = Addresses.toString(new InetSocketAddress(ip("fd00::1"), 80));
    assertEquals(List.of(v6), addresses(start(strictDns("auto", "dual.test", 80, ""))));
    assertEquals(List.of("10.0.0.1:80"),
        addresses(start(strictDns("v4p", "dual.test", 80, "\"dns_lookup_family\": \"V4_PREFERRED\","))));
    assertEquals(List.of("10.0.0.1:80", v6),
        addresses(start(strictDns("all", "dual.test", 80, "\"dns_lookup_family\": \"ALL\","))).stream()
            .sorted().collect(Collectors.toList()));
    dns.set("v4.test", Answer.of(30, ip("10.0.0.4")));
    assertEquals(List.of("10.0.0.4:80"), addresses(start(strictDns("auto4", "v4.test", 80, ""))));
  }

  @Test
  void ipLiteralsNeedNoQuery() throws Exception {
    UpstreamCluster c = start(strictDns("lit", "127.0.0.2", 9000, ""));
    assertEquals(List.of("127.0.0.2:9000"), addresses(c));
    assertEquals(0, dns.queries());
  }

  @Test
  void respectDnsTtlRefreshesAtTheTtl() throws Exception {
    dns.set("ttl.test", Answer.of(1, ip("10.0.0.1")));
    start(strictDns("ttl", "ttl.test", 80,
        "\"dns_refresh_rate\": \"60s\", \"respect_dns_ttl\": true, \"dns_lookup_family\": \"V4_ONLY\","));
    int first = dns.queries();
    await(() -> dns.queries() > first);
  }

  @Test
  void failedResolutionKeepsTheLastGoodHosts() throws Exception {
    dns.set("flaky.test", Answer.of(30, ip("10.0.0.1"), ip("10.0.0.2")));
    UpstreamCluster c = start(strictDns("flaky", "flaky.test", 80,
        "\"dns_refresh_rate\": \"0.1s\", \"dns_lookup_family\": \"V4_ONLY\","));
    List<Host> before = c.hosts().all();
    dns.set("flaky.test", Answer.silence());
    await(() -> c.stats().updateFailure.value() >= 1);
    assertEquals(before, c.hosts().all());
    assertTrue(stats.counter("dns.cares.timeouts").value() >= 1);
    dns.set("flaky.test", Answer.serverFailure());
    long failures = c.stats().updateFailure.value();
    await(() -> c.stats().updateFailure.value() > failures);
    assertEquals(before, c.hosts().all());
    assertTrue(c.stats().updateAttempt.value() > c.stats().updateSuccess.value());
  }

  @Test
  void nameThatNoLongerExistsEmptiesAStrictDnsCluster() throws Exception {
    dns.set("gone.test", Answer.of(30, ip("10.0.0.1")));
    UpstreamCluster c = start(strictDns("gone", "gone.test", 80,
        "\"dns_refresh_rate\": \"0.1s\", \"dns_lookup_family\": \"V4_ONLY\","));
    assertEquals(1, c.hosts().all().size());
    dns.set("gone.test", null);
    await(() -> c.hosts().isEmpty() && c.stats().updateEmpty.value() >= 1); // stats follow the host set
    assertTrue(stats.counter("dns.cares.not_found").value() >= 1);
  }

  @Test
  void logicalDnsKeepsItsOneHostAcrossRefreshes() throws Exception {
    dns.set("logical.test", Answer.of(30, ip("10.0.0.1"), ip("10.0.0.2")));
    UpstreamCluster c = start(cluster("""
        {"name": "logical", "type": "LOGICAL_DNS", "dns_refresh_rate": "0.1s", "dns_lookup_family": "V4_ONLY",
         "load_assignment": {"endpoints": [{"lb_endpoints": [
           {"endpoint": {"address": {"socket_address": {"address": "logical.test", "port_value": 443}}}}]}]}}
        """));
    assertEquals(List.of("10.0.0.1:443"), addresses(c));
    Host host = c.hosts().all().get(0);
    await(() -> c.stats().updateNoRebuild.value() >= 2);
    assertSame(host, c.hosts().all().get(0));

    dns.set("logical.test", Answer.of(30, ip("10.0.0.9")));
    await(() -> host.addressString().equals("10.0.0.9:443"));
    assertSame(host, c.hosts().all().get(0), "the logical host moves; it is not replaced");
    assertEquals(1, c.stats().membershipChange.value());

    dns.set("logical.test", null); // no address: kept, counted as a failure
    long failures = c.stats().updateFailure.value();
    await(() -> c.stats().updateFailure.value() > failures);
    assertSame(host, c.hosts().all().get(0));
    assertEquals(new InetSocketAddress(ip("10.0.0.9"), 443), host.address());
  }

  /** Creates and initializes a cluster (the first resolution of every name ended). */
  private UpstreamCluster start(Cluster proto) throws Exception {
    ClusterManager manager = new ClusterManager(factory);
    managers.add(manager);
    UpstreamCluster c = factory.create(proto, "clusters[0]");
    manager.addStatic(c, "clusters[0]");
    manager.initialize(() -> {});
    await(c::initialized);
    return c;
  }

  static Cluster strictDns(String name, String address, int port, String extra) throws Exception {
    return cluster("{\"name\": \"" + name + "\", \"type\": \"STRICT_DNS\", " + extra
        + " \"load_assignment\": {\"endpoints\": [{\"lb_endpoints\": [{\"endpoint\": {\"address\":"
        + " {\"socket_address\": {\"address\": \"" + address + "\", \"port_value\": " + port + "}}}}]}]}}");
  }

  static Cluster cluster(String json) throws Exception {
    Cluster.Builder b = Cluster.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }

  private static List<String> addresses(UpstreamCluster c) {
    return c.hosts().all().stream().map(Host::addressString).collect(Collectors.toList());
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private <T> T onWorker(java.util.concurrent.Callable<T> task) {
    return workerLoop.submit(task).syncUninterruptibly().getNow();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 10 s");
      }
      Thread.sleep(10);
    }
  }
}
