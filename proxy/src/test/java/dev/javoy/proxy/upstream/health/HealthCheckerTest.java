package dev.javoy.proxy.upstream.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import com.sun.net.httpserver.HttpServer;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health check sessions against real local servers, on a real event loop. */
class HealthCheckerTest {
  private MultiThreadIoEventLoopGroup group;
  private EventLoop loop;
  private final StatsStore store = new StatsStore();
  private final HealthCheckStats stats = new HealthCheckStats(store.scope("cluster.hc."));
  private HealthChecker checker;
  private HttpServer http;
  private final AtomicInteger code = new AtomicInteger(200);
  private final AtomicInteger delayMs = new AtomicInteger();
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  private final AtomicInteger immediateFail = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    Transport.setCurrent(Transport.NIO);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    loop = group.next();
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    http.createContext("/healthz", ex -> {
      try (ex) {
        lastHeaders.clear();
        ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), v.get(0)));
        int d = delayMs.get();
        if (d > 0) {
          Thread.sleep(d);
        }
        if (immediateFail.get() > 0) {
          ex.getResponseHeaders().set("x-envoy-immediate-health-check-fail", "true");
        }
        ex.sendResponseHeaders(code.get(), -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    http.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (checker != null) {
      loop.submit(checker::stop).get(5, TimeUnit.SECONDS);
    }
    http.stop(0);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private static Duration ms(long ms) {
    return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }

  private static HealthCheck.Builder base() {
    return HealthCheck.newBuilder().setTimeout(ms(5000)).setInterval(ms(100)).setNoTrafficInterval(ms(100))
        .setUnhealthyThreshold(UInt32Value.of(2)).setHealthyThreshold(UInt32Value.of(2));
  }

  private static Host host(int port) {
    return new Host("hc", new InetSocketAddress("127.0.0.1", port), "", 1, 0, Metadata.getDefaultInstance());
  }

  /** Starts checking {@code hosts}; returns a latch for the first round. */
  private CountDownLatch start(HealthCheck hc, List<Host> hosts) throws Exception {
    HealthCheckSpec spec = HealthCheckFactory.create(hc, "hc", 1000, "health_checks[0]");
    CountDownLatch firstRound = new CountDownLatch(1);
    loop.submit(() -> {
      for (Host h : hosts) {
        h.healthFlagSet(Host.FAILED_ACTIVE_HC | Host.PENDING_ACTIVE_HC);
      }
      checker = new HealthChecker(spec, loop, stats, () -> false, (h, changed, passed) -> { });
      checker.start(hosts, firstRound::countDown);
    }).get(5, TimeUnit.SECONDS);
    return firstRound;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private long counter(String name) {
    return store.counter("cluster.hc.health_check." + name).value();
  }

  @Test
  void httpCheckMarksDownAt503AndUpAfterHealthyThreshold() throws Exception {
    Host h = host(http.getAddress().getPort());
    CountDownLatch firstRound = start(base().setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder()
        .setPath("/healthz")
        .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("x-hc").setValue("yes")))).build(), List.of(h));
    assertTrue(firstRound.await(10, TimeUnit.SECONDS));
    assertTrue(h.healthy(), "the first passing check makes a new host healthy at once");
    assertFalse(h.healthFlagGet(Host.PENDING_ACTIVE_HC));
    assertEquals("hc", lastHeaders.get("host"), "Host defaults to the cluster name");
    assertEquals("Envoy/HC", lastHeaders.get("user-agent"));
    assertEquals("yes", lastHeaders.get("x-hc"));
    assertEquals(1, store.gauge("cluster.hc.health_check.healthy").value());

    code.set(503);
    await(() -> h.healthFlagGet(Host.FAILED_ACTIVE_HC), "503 marks the host down at once");
    assertFalse(h.healthy());
    // (the stats follow the flags within the same main-loop task)
    await(() -> store.gauge("cluster.hc.health_check.healthy").value() == 0, "healthy gauge 0");
    await(() -> counter("failure") >= 1, "a failure counted");

    long successes = counter("success");
    code.set(200);
    await(() -> !h.healthFlagGet(Host.FAILED_ACTIVE_HC), "healthy again");
    await(() -> counter("success") - successes >= 2, "healthy_threshold 2 passes");
    assertTrue(counter("attempt") >= counter("success") + counter("failure") - 1);
  }

  @Test
  void immediateFailHeaderExcludesTheHost() throws Exception {
    Host h = host(http.getAddress().getPort());
    immediateFail.set(1);
    CountDownLatch firstRound = start(base().setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder()
        .setPath("/healthz")).build(), List.of(h));
    assertTrue(firstRound.await(10, TimeUnit.SECONDS));
    assertTrue(h.healthFlagGet(Host.FAILED_ACTIVE_HC));
    assertTrue(h.healthFlagGet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL));
    immediateFail.set(0);
    await(() -> h.healthy(), "passing again clears the exclusion");
    assertFalse(h.healthFlagGet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL));
  }

  @Test
  void anImmediateFailFromTrafficFailsPassivelyUntilChecksPassAgain() throws Exception {
    Host h = host(http.getAddress().getPort());
    CountDownLatch firstRound = start(base().setInterval(ms(300)).setHttpHealthCheck(
        HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz")).build(), List.of(h));
    assertTrue(firstRound.await(10, TimeUnit.SECONDS));
    assertTrue(h.healthy());
    loop.submit(() -> checker.onImmediateHealthCheckFail(h)).get(5, TimeUnit.SECONDS);
    assertTrue(h.healthFlagGet(Host.FAILED_ACTIVE_HC));
    assertTrue(h.healthFlagGet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL));
    assertEquals(1, counter("passive_failure"));
    await(() -> h.healthy(), "healthy_threshold passing checks bring it back");
    assertFalse(h.healthFlagGet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL));
  }

  @Test
  void timeoutsCountTowardsTheUnhealthyThreshold() throws Exception {
    Host h = host(http.getAddress().getPort());
    CountDownLatch firstRound = start(base().setTimeout(ms(200)).setHttpHealthCheck(
        HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz")).build(), List.of(h));
    assertTrue(firstRound.await(10, TimeUnit.SECONDS));
    assertTrue(h.healthy());
    delayMs.set(1000);
    await(() -> counter("network_failure") >= 1, "a timeout");
    await(() -> h.healthFlagGet(Host.FAILED_ACTIVE_HC), "down after two timeouts");
    await(() -> counter("network_failure") >= 2, "two network failures");
    await(() -> h.healthFlagGet(Host.ACTIVE_HC_TIMEOUT), "the timeout flag");
  }

  @Test
  void tcpConnectOnlyCheckMarksAClosedPortDown() throws Exception {
    int closed;
    closed = dev.javoy.proxy.testing.TestPorts.freePort();
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (!open.isClosed()) {
          try {
            open.accept().close();
          } catch (Exception e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Host up = host(open.getLocalPort());
      Host down = host(closed);
      CountDownLatch firstRound = start(base().setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance())
          .build(), List.of(up, down));
      assertTrue(firstRound.await(10, TimeUnit.SECONDS));
      assertTrue(up.healthy());
      assertTrue(down.healthFlagGet(Host.FAILED_ACTIVE_HC));
      assertFalse(down.healthFlagGet(Host.PENDING_ACTIVE_HC), "the first result clears pending");
      await(() -> counter("network_failure") >= 2, "more network failures");
      assertTrue(down.healthFlagGet(Host.FAILED_ACTIVE_HC));
    }
  }

  @Test
  void tcpSendReceiveMatchesBlocksInOrder() throws Exception {
    AtomicInteger answer = new AtomicInteger(1);
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            new Thread(() -> {
              try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[4];
                while (in.readNBytes(buf, 0, 4) == 4) {
                  out.write(answer.get() == 1 ? "PONG and OK\n".getBytes() : "NOPE\n".getBytes());
                  out.flush();
                }
              } catch (Exception e) {
                // closed
              }
            }).start();
          } catch (Exception e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
      Host h = host(server.getLocalPort());
      CountDownLatch firstRound = start(base().setTimeout(ms(3000)).setTcpHealthCheck(HealthCheck.TcpHealthCheck.newBuilder()
          .setSend(HealthCheck.Payload.newBuilder().setText("50494e47")) // "PING"
          .addReceive(HealthCheck.Payload.newBuilder().setText("504f4e47")) // "PONG"
          .addReceive(HealthCheck.Payload.newBuilder().setBinary(com.google.protobuf.ByteString.copyFromUtf8("OK"))))
          .build(), List.of(h));
      assertTrue(firstRound.await(10, TimeUnit.SECONDS));
      assertTrue(h.healthy(), () -> "flags " + h.healthFlags() + " failures " + counter("failure") + " network "
          + counter("network_failure"));
      answer.set(0);
      await(() -> counter("network_failure") >= 1, "no match: the check times out");
    }
  }

  @Test
  void tcpMatcherFindsBlocksInOrderNotAdjacent() {
    List<byte[]> blocks = List.of("AB".getBytes(), "CD".getBytes());
    assertTrue(TcpHealthCheckSession.matches(blocks, "xxABxxCDxx".getBytes()));
    assertFalse(TcpHealthCheckSession.matches(blocks, "CDAB".getBytes()));
    assertFalse(TcpHealthCheckSession.matches(blocks, "AB".getBytes()));
  }

  @Test
  void grpcMessagesAreEncodedAndDecodedByHand() {
    var buf = Http2HealthCheckSession.grpcRequest(io.netty.buffer.ByteBufAllocator.DEFAULT, "svc");
    byte[] b = new byte[buf.readableBytes()];
    buf.readBytes(b);
    buf.release();
    // uncompressed, length 5, field 1 "svc"
    assertEquals(List.of(0, 0, 0, 0, 5, 0x0A, 3, (int) 's', (int) 'v', (int) 'c'),
        java.util.stream.IntStream.range(0, b.length).mapToObj(i -> (int) b[i]).toList());
    assertEquals(1, Http2HealthCheckSession.grpcServingStatus(new byte[] {0, 0, 0, 0, 2, 0x08, 1}));
    assertEquals(2, Http2HealthCheckSession.grpcServingStatus(new byte[] {0, 0, 0, 0, 2, 0x08, 2}));
    assertEquals(0, Http2HealthCheckSession.grpcServingStatus(new byte[] {0, 0, 0, 0, 0}));
    assertEquals(-1, Http2HealthCheckSession.grpcServingStatus(new byte[] {1, 0, 0, 0, 2, 0x08, 1}));
    assertEquals(-1, Http2HealthCheckSession.grpcServingStatus(new byte[] {0, 0, 0}));
  }

  @Test
  void intervalsFollowEnvoysRules() throws Exception {
    HealthCheckSettings s = HealthCheckFactory.create(HealthCheck.newBuilder().setTimeout(ms(1000))
        .setInterval(ms(5000)).setUnhealthyThreshold(UInt32Value.of(3)).setHealthyThreshold(UInt32Value.of(3))
        .setUnhealthyInterval(ms(7000)).setUnhealthyEdgeInterval(ms(1000)).setHealthyEdgeInterval(ms(2000))
        .setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance()).build(), "c", 1000, "hc").settings();
    var r = new java.util.SplittableRandom(1);
    assertEquals(60_000, s.nextDelayMillis(HealthCheckSettings.State.HEALTHY, HealthTransition.UNCHANGED, false, r));
    assertEquals(5000, s.nextDelayMillis(HealthCheckSettings.State.HEALTHY, HealthTransition.UNCHANGED, true, r));
    assertEquals(2000, s.nextDelayMillis(HealthCheckSettings.State.HEALTHY, HealthTransition.CHANGE_PENDING, true, r));
    assertEquals(5000, s.nextDelayMillis(HealthCheckSettings.State.HEALTHY, HealthTransition.CHANGED, true, r));
    assertEquals(7000, s.nextDelayMillis(HealthCheckSettings.State.UNHEALTHY, HealthTransition.CHANGED, true, r));
    assertEquals(1000, s.nextDelayMillis(HealthCheckSettings.State.UNHEALTHY, HealthTransition.CHANGE_PENDING, true, r));
    assertTrue(s.reuseConnection());
  }

  @Test
  void rejectsWhatJavoyDoesNotImplement() {
    HealthCheck.Builder ok = base().setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance());
    for (HealthCheck hc : List.of(
        ok.clone().setEventLogPath("/tmp/hc.log").build(),
        ok.clone().setAlwaysLogHealthCheckFailures(true).build(),
        ok.clone().setTransportSocketMatchCriteria(com.google.protobuf.Struct.getDefaultInstance()).build(),
        ok.clone().setTlsOptions(HealthCheck.TlsOptions.getDefaultInstance()).build(),
        ok.clone().clearTcpHealthCheck().setCustomHealthCheck(HealthCheck.CustomHealthCheck.getDefaultInstance())
            .build())) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(dev.javoy.proxy.config.ConfigException.class,
          () -> HealthCheckFactory.create(hc, "c", 1000, "clusters[0].health_checks[0]"));
      assertTrue(e.getMessage().startsWith("clusters[0].health_checks[0]."), e.getMessage());
    }
    org.junit.jupiter.api.Assertions.assertThrows(dev.javoy.proxy.config.ConfigException.class,
        () -> HealthCheckFactory.create(ok.clone().clearTimeout().build(), "c", 1000, "hc"));
  }

  /** A session whose checks the test completes by hand. */
  private static final class ManualSession extends HealthCheckSession {
    ManualSession(HealthChecker parent, Host host) {
      super(parent, host);
    }

    @Override
    protected void onInterval() {}

    @Override
    protected void onTimeout() {}

    @Override
    protected void close() {}

    void pass() {
      handleSuccess(false);
    }

    void fail(HealthCheckFailureType type) {
      handleFailure(type, false);
    }
  }

  @Test
  void thresholdsFollowEnvoysStateMachine() throws Exception {
    HealthCheckSpec spec = HealthCheckFactory.create(base().setUnhealthyThreshold(UInt32Value.of(3))
        .setHealthyThreshold(UInt32Value.of(3)).setInterval(ms(60_000)).setNoTrafficInterval(ms(60_000))
        .setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance()).build(), "hc", 1000, "hc");
    Host h = host(1);
    List<HealthTransition> transitions = new java.util.ArrayList<>();
    loop.submit(() -> {
      h.healthFlagSet(Host.FAILED_ACTIVE_HC | Host.PENDING_ACTIVE_HC);
      checker = new HealthChecker(spec, loop, stats, () -> false, (host, changed, passed) -> transitions.add(changed));
      ManualSession s = new ManualSession(checker, h);
      s.pass(); // the first result of a new host counts at once
      assertTrue(h.healthy());
      assertFalse(h.healthFlagGet(Host.PENDING_ACTIVE_HC));
      s.fail(HealthCheckFailureType.NETWORK);
      s.fail(HealthCheckFailureType.NETWORK_TIMEOUT);
      assertTrue(h.healthy(), "network failures wait for unhealthy_threshold");
      s.fail(HealthCheckFailureType.NETWORK_TIMEOUT);
      assertFalse(h.healthy());
      assertTrue(h.healthFlagGet(Host.ACTIVE_HC_TIMEOUT));
      s.pass();
      s.pass();
      assertFalse(h.healthy(), "healthy_threshold 3");
      s.pass();
      assertTrue(h.healthy());
      assertFalse(h.healthFlagGet(Host.ACTIVE_HC_TIMEOUT));
      s.fail(HealthCheckFailureType.ACTIVE);
      assertFalse(h.healthy(), "an answer that says unhealthy counts at once");
      s.stop();
      return null;
    }).get(5, TimeUnit.SECONDS);
    assertEquals(List.of(HealthTransition.CHANGED, HealthTransition.CHANGE_PENDING, HealthTransition.CHANGE_PENDING,
        HealthTransition.CHANGED, HealthTransition.CHANGE_PENDING, HealthTransition.CHANGE_PENDING,
        HealthTransition.CHANGED, HealthTransition.CHANGED), transitions);
    assertEquals(3, counter("network_failure"));
    assertEquals(4, counter("failure"));
    assertEquals(4, counter("success"));
  }
}
