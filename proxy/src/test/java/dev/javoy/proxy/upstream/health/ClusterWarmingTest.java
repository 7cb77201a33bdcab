package dev.javoy.proxy.upstream.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster with health checks initializes (static clusters: server readiness; CDS clusters: warming) only once
 * every host has had its first check, as Envoy's.
 */
class ClusterWarmingTest {
  private MultiThreadIoEventLoopGroup group;
  private EventLoop main;
  private final StatsStore stats = new StatsStore();
  private ClusterManager manager;
  private ServerSocket listening;
  private int closedPort;
  /** Accepts are answered only once released, so the first check of that host waits. */
  private final CountDownLatch releaseAccepts = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws Exception {
    Transport.setCurrent(Transport.NIO);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    main = group.next();
    ClusterFactory factory = new ClusterFactory(stats, List.of(), (c, p) -> null);
    factory.setMainLoop(main);
    manager = new ClusterManager(factory);
    manager.setMainLoop(main);
    listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try {
        releaseAccepts.await();
        while (!listening.isClosed()) {
          listening.accept().getOutputStream().write("OK".getBytes());
        }
      } catch (Exception e) {
        // closed
      }
    });
    t.setDaemon(true);
    t.start();
    closedPort = dev.javoy.proxy.testing.TestPorts.freePort();
  }

  @AfterEach
  void tearDown() throws Exception {
    releaseAccepts.countDown();
    main.submit(manager::shutdown).get(5, TimeUnit.SECONDS);
    listening.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** A TCP check that sends "PING" and waits for "OK": it passes only once accepts are released. */
  private Cluster cluster(String name) throws Exception {
    Cluster.Builder b = Cluster.newBuilder();
    JsonFormat.parser().merge("""
        {"name": "%s", "connect_timeout": "1s", "type": "STATIC",
         "health_checks": [{"timeout": "2s", "interval": "0.2s", "no_traffic_interval": "0.2s", "unhealthy_threshold": 1,
           "healthy_threshold": 1,
           "tcp_health_check": {"send": {"text": "50494e47"}, "receive": [{"text": "4f4b"}]}}],
         "load_assignment": {"endpoints": [{"lb_endpoints": [
           {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}}}},
           {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}}}}]}]}}
        """.formatted(name, listening.getLocalPort(), closedPort), b);
    return b.build();
  }

  @Test
  void aStaticClusterInitializesAfterItsFirstHealthCheckRound() throws Exception {
    UpstreamCluster c = manager.factory().create(cluster("static_hc"), "clusters[0]");
    manager.addStatic(c, "clusters[0]");
    CountDownLatch initialized = new CountDownLatch(1);
    main.submit(() -> manager.initialize(initialized::countDown)).get(5, TimeUnit.SECONDS);
    assertFalse(initialized.await(500, TimeUnit.MILLISECONDS), "waits for the host whose check is pending");
    assertFalse(c.initialized());
    Host up = c.hosts().all().get(0);
    Host down = c.hosts().all().get(1);
    assertTrue(up.healthFlagGet(Host.FAILED_ACTIVE_HC) && up.healthFlagGet(Host.PENDING_ACTIVE_HC),
        "new hosts start failed and pending");
    releaseAccepts.countDown();
    assertTrue(initialized.await(10, TimeUnit.SECONDS));
    assertTrue(up.healthy());
    assertTrue(down.healthFlagGet(Host.FAILED_ACTIVE_HC));
    assertFalse(down.healthFlagGet(Host.PENDING_ACTIVE_HC));
    assertEquals(1, stats.gauge("cluster.static_hc.membership_healthy").value());
    assertEquals(1, stats.gauge("cluster.static_hc.health_check.healthy").value());
  }

  @Test
  void aCdsClusterWarmsUntilItsFirstHealthCheckRound() throws Exception {
    AtomicBoolean warmCalled = new AtomicBoolean();
    main.submit(() -> {
      Map<String, String> errors = manager.applyDynamic(Map.of("cds_hc", cluster("cds_hc")), Set.of(), "v1");
      assertTrue(errors.isEmpty(), errors.toString());
      manager.whenWarm(() -> warmCalled.set(true));
      return null;
    }).get(5, TimeUnit.SECONDS);
    Thread.sleep(500);
    assertNull(manager.get("cds_hc"), "not active while warming");
    assertEquals(1, main.submit(() -> manager.warming().size()).get(5, TimeUnit.SECONDS));
    assertFalse(warmCalled.get());
    releaseAccepts.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((manager.get("cds_hc") == null || !warmCalled.get()) && System.nanoTime() < deadline) {
      Thread.sleep(20); // the map is published first, then the warm waiters run, on the main loop
    }
    UpstreamCluster c = manager.get("cds_hc");
    assertTrue(c != null && c.initialized(), "active after the first round");
    assertTrue(c.hosts().all().get(0).healthy());
    assertSame(c, manager.get("cds_hc"));
    assertTrue(warmCalled.get());
  }

  @Test
  void healthyHostsStayUntilTheirCheckFailsWhenDiscoveryDropsThem() throws Exception {
    releaseAccepts.countDown();
    UpstreamCluster c = manager.factory().create(cluster("removal"), "clusters[0]");
    manager.addStatic(c, "clusters[0]");
    CountDownLatch initialized = new CountDownLatch(1);
    main.submit(() -> manager.initialize(initialized::countDown)).get(5, TimeUnit.SECONDS);
    assertTrue(initialized.await(10, TimeUnit.SECONDS));
    Host up = c.hosts().all().get(0);
    Host down = c.hosts().all().get(1);
    assertTrue(up.healthy());
    // Discovery drops both: the failed one leaves, the passing one stays pending removal.
    main.submit(() -> c.updateHosts(List.of())).get(5, TimeUnit.SECONDS);
    assertEquals(List.of(up), c.hosts().all());
    assertTrue(up.healthFlagGet(Host.PENDING_DYNAMIC_REMOVAL));
    assertTrue(up.healthy());
    // Its checks start failing (the port closes): it leaves.
    listening.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!c.hosts().all().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(List.of(), c.hosts().all());
    assertFalse(c.hosts().all().contains(down));
  }
}
