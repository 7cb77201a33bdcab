package dev.javoy.filters.network.tcp_proxy;

import static dev.javoy.filters.network.tcp_proxy.TcpProxyHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tcp.TcpProxyFilter;
import dev.javoy.proxy.upstream.UpstreamCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyConnectTest {
  private TcpProxyHarness proxy;

  @BeforeEach
  void setUp() {
    proxy = new TcpProxyHarness();
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  private int listen(String tcpProxyJson) throws Exception {
    return proxy.listen(new TcpProxyFilter(proxy.config(tcpProxyJson), proxy));
  }

  /** A port nobody listens on. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Connects through the proxy and waits for the proxy to close the connection; returns its access log entry. */
  private StreamInfo connectAndExpectClose(int port) throws Exception {
    int before = proxy.logged.size();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      assertEquals(-1, s.getInputStream().read());
    }
    await(() -> proxy.logged.size() > before);
    return proxy.logged.get(before);
  }

  @Test
  void connectFailureClosesTheDownstreamWithUpstreamConnectionFailure() throws Exception {
    UpstreamCluster c = proxy.addCluster("dead", "", closedPort());
    int port = listen("{\"stat_prefix\": \"dead\", \"cluster\": \"dead\"}");
    StreamInfo info = connectAndExpectClose(port);
    assertTrue(info.hasResponseFlag(ResponseFlag.UPSTREAM_CONNECTION_FAILURE));
    assertTrue(info.hasResponseFlag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED));
    assertEquals("UF,URX", ResponseFlag.format(info.responseFlags, false));
    assertTrue(info.upstreamTransportFailureReason.startsWith("delayed connect error"),
        info.upstreamTransportFailureReason);
    assertEquals(1, c.stats().upstreamCxConnectFail.value());
    assertEquals(1, proxy.counter("cluster.dead.upstream_cx_connect_attempts_exceeded"));
    await(() -> c.stats().upstreamCxActive.value() == 0 && c.resources().connections.count() == 0);
  }

  @Test
  void failedConnectIsRetriedOnAFreshlyChosenHost() throws Exception {
    try (EchoServer echo = new EchoServer("up", "")) {
      UpstreamCluster c = proxy.addCluster("two", "\"lb_policy\": \"ROUND_ROBIN\",", closedPort(), echo.port());
      int port = listen("{\"stat_prefix\": \"retry\", \"cluster\": \"two\", \"max_connect_attempts\": 2,"
          + " \"backoff_options\": {\"base_interval\": \"0.01s\"}}");
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(10_000);
        assertEquals('u', s.getInputStream().read());
      }
      await(() -> proxy.logged.size() == 1);
      StreamInfo info = proxy.logged.get(0);
      assertEquals(2, info.attemptCount);
      assertEquals("UF", ResponseFlag.format(info.responseFlags, false));
      assertEquals(echo.port(), ((InetSocketAddress) info.upstreamHostAddress).getPort());
      assertEquals(1, c.stats().upstreamCxConnectFail.value());
      assertEquals(2, c.stats().upstreamCxTotal.value());
    }
  }

  @Test
  void weightedClustersSplitConnectionsByWeight() throws Exception {
    try (EchoServer a = new EchoServer("A", ""); EchoServer b = new EchoServer("B", "")) {
      proxy.addCluster("a", "", a.port());
      proxy.addCluster("b", "", b.port());
      int port = listen("{\"stat_prefix\": \"w\", \"weighted_clusters\": {\"clusters\": ["
          + "{\"name\": \"a\", \"weight\": 1}, {\"name\": \"b\", \"weight\": 3}]}}");
      int[] seen = new int[2];
      for (int i = 0; i < 400; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          s.setSoTimeout(10_000);
          seen[s.getInputStream().read() - 'A']++;
        }
      }
      assertEquals(400, seen[0] + seen[1]);
      assertTrue(seen[0] > 60 && seen[0] < 140, "about a quarter to a: " + seen[0]);
    }
  }

  @Test
  void unknownClusterClosesWithNoClusterFound() throws Exception {
    int port = listen("{\"stat_prefix\": \"nc\", \"cluster\": \"missing\"}");
    StreamInfo info = connectAndExpectClose(port);
    assertEquals("NC", ResponseFlag.format(info.responseFlags, false));
    assertEquals(1, proxy.counter("tcp.nc.downstream_cx_no_route"));
  }

  @Test
  void clusterWithoutHostsClosesWithNoHealthyUpstream() throws Exception {
    UpstreamCluster c = proxy.addCluster("empty", "");
    int port = listen("{\"stat_prefix\": \"uh\", \"cluster\": \"empty\"}");
    StreamInfo info = connectAndExpectClose(port);
    assertEquals("UH", ResponseFlag.format(info.responseFlags, false));
    assertEquals(1, c.stats().upstreamCxNoneHealthy.value());
  }

  @Test
  void connectionCircuitBreakerOverflowClosesWithUpstreamOverflow() throws Exception {
    try (EchoServer echo = new EchoServer()) {
      UpstreamCluster c = proxy.addCluster("cb",
          "\"circuit_breakers\": {\"thresholds\": [{\"max_connections\": 1}]},", echo.port());
      int port = listen("{\"stat_prefix\": \"cb\", \"cluster\": \"cb\"}");
      try (Socket first = new Socket(InetAddress.getLoopbackAddress(), port)) {
        first.setSoTimeout(10_000);
        first.getOutputStream().write('1');
        assertEquals('1', first.getInputStream().read()); // the one allowed connection is up
        StreamInfo info = connectAndExpectClose(port);
        assertEquals("UO", ResponseFlag.format(info.responseFlags, false));
        assertEquals(1, c.stats().upstreamCxOverflow.value());
      }
    }
  }
}
