package dev.javoy.filters.network.tcp_proxy;

import static dev.javoy.filters.network.tcp_proxy.TcpProxyHarness.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tcp.TcpProxyFilter;
import dev.javoy.proxy.upstream.UpstreamCluster;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyRelayTest {
  private TcpProxyHarness proxy;
  private EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    proxy = new TcpProxyHarness();
    echo = new EchoServer("", "BYE");
  }

  @AfterEach
  void tearDown() throws Exception {
    echo.close();
    proxy.close();
  }

  private int listen(String tcpProxyJson) throws Exception {
    return proxy.listen(new TcpProxyFilter(proxy.config(tcpProxyJson), proxy));
  }

  @Test
  void relaysTenMebibytesBothWaysIntact() throws Exception {
    UpstreamCluster c = proxy.addCluster("echo", "", echo.port());
    int port = listen("{\"stat_prefix\": \"echo\", \"cluster\": \"echo\"}");
    byte[] data = new byte[10 << 20];
    new Random(42).nextBytes(data);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = s.getOutputStream();
          for (int off = 0; off < data.length; off += 100_000) {
            out.write(data, off, Math.min(100_000, data.length - off));
          }
          s.shutdownOutput();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      byte[] back = readAll(s.getInputStream());
      writer.join();
      assertEquals(data.length + 3, back.length);
      assertEquals(crc(data, data.length), crc(back, data.length));
      assertEquals("BYE", new String(back, data.length, 3));
    }
    await(() -> proxy.logged.size() == 1);
    StreamInfo info = proxy.logged.get(0);
    assertEquals(data.length, info.bytesReceived);
    assertEquals(data.length + 3, info.bytesSent);
    assertEquals("echo", info.upstreamClusterName);
    assertEquals(echo.port(), ((java.net.InetSocketAddress) info.upstreamHostAddress).getPort());
    assertEquals(0, info.responseFlags);
    assertEquals(data.length, proxy.counter("tcp.echo.downstream_cx_rx_bytes_total"));
    assertEquals(data.length + 3, proxy.counter("tcp.echo.downstream_cx_tx_bytes_total"));
    assertEquals(data.length, c.stats().upstreamCxTxBytesTotal.value());
    assertEquals(1, proxy.counter("tcp.echo.downstream_cx_total"));
    assertEquals(1, c.stats().upstreamCxTotal.value());
    await(() -> c.stats().upstreamCxActive.value() == 0 && c.resources().connections.count() == 0);
    assertEquals(0, proxy.gauge("tcp.echo.downstream_cx_tx_bytes_buffered"));
    assertEquals(0, proxy.gauge("tcp.echo.downstream_cx_rx_bytes_buffered"));
  }

  @Test
  void slowUpstreamPausesAndResumesDownstreamReading() throws Exception {
    java.util.concurrent.CountDownLatch drain = new java.util.concurrent.CountDownLatch(1);
    long[] sunk = {0};
    try (java.net.ServerSocket sink = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread reader = new Thread(() -> {
        try (Socket s = sink.accept()) {
          drain.await(); // read nothing until told: the proxy's upstream write buffer fills
          sunk[0] = readAll(s.getInputStream()).length;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      reader.start();
      proxy.addCluster("sink", "", sink.getLocalPort());
      int port = listen("{\"stat_prefix\": \"slow\", \"cluster\": \"sink\"}");
      byte[] chunk = new byte[1 << 20];
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            for (int i = 0; i < 32; i++) {
              s.getOutputStream().write(chunk);
            }
            s.shutdownOutput();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        await(() -> proxy.counter("tcp.slow.downstream_flow_control_paused_reading_total") >= 1);
        // the gauge is a worker's stat slot, read from this thread: wait for it rather than race it
        await(() -> proxy.gauge("tcp.slow.downstream_cx_rx_bytes_buffered") > 0);
        drain.countDown();
        writer.join();
        reader.join(20_000);
      }
      assertEquals(32L << 20, sunk[0]);
      assertTrue(proxy.counter("tcp.slow.downstream_flow_control_resumed_reading_total") >= 1);
      await(() -> proxy.logged.size() == 1);
      assertEquals(32L << 20, proxy.logged.get(0).bytesReceived);
    }
  }

  @Test
  void halfCloseKeepsTheOtherDirectionFlowing() throws Exception {
    proxy.addCluster("echo", "", echo.port());
    int port = listen("{\"stat_prefix\": \"half\", \"cluster\": \"echo\"}");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("hello, ".getBytes());
      s.getOutputStream().write("world".getBytes());
      s.shutdownOutput(); // FIN: the server sees EOF, then answers after a pause
      assertEquals("hello, worldBYE", new String(readAll(s.getInputStream())));
    }
    assertEquals(1, echo.sawEof());
    await(() -> proxy.logged.size() == 1);
    assertEquals(12, proxy.logged.get(0).bytesReceived);
    assertEquals(15, proxy.logged.get(0).bytesSent);
  }

  @Test
  void idleTimeoutClosesBothSides() throws Exception {
    UpstreamCluster c = proxy.addCluster("echo", "", echo.port());
    int port = listen("{\"stat_prefix\": \"idle\", \"cluster\": \"echo\", \"idle_timeout\": \"0.3s\"}");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("x".getBytes());
      long start = System.nanoTime();
      InputStream in = s.getInputStream();
      assertEquals('x', in.read());
      assertEquals(-1, in.read());
      assertTrue(System.nanoTime() - start >= 250_000_000L, "closed only after the idle timeout");
    }
    assertEquals(1, proxy.counter("tcp.idle.idle_timeout"));
    await(() -> c.stats().upstreamCxDestroyLocal.value() == 1);
  }

  @Test
  void maxDownstreamConnectionDurationClosesWithDurationTimeout() throws Exception {
    proxy.addCluster("echo", "", echo.port());
    int port = listen(
        "{\"stat_prefix\": \"dur\", \"cluster\": \"echo\", \"max_downstream_connection_duration\": \"0.2s\"}");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      assertEquals(-1, s.getInputStream().read());
    }
    await(() -> proxy.logged.size() == 1);
    assertTrue(proxy.logged.get(0).hasResponseFlag(ResponseFlag.DURATION_TIMEOUT));
    assertEquals(1, proxy.counter("tcp.dur.max_downstream_connection_duration"));
  }

  @Test
  void upstreamCloseClosesTheDownstreamAfterItsData() throws Exception {
    try (EchoServer greeter = new EchoServer("hi there", "")) {
      UpstreamCluster c = proxy.addCluster("greeter", "", greeter.port());
      int port = listen("{\"stat_prefix\": \"g\", \"cluster\": \"greeter\"}");
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(10_000);
        byte[] b = new byte[8];
        int n = 0;
        while (n < 8) {
          n += s.getInputStream().read(b, n, 8 - n);
        }
        assertArrayEquals("hi there".getBytes(), b);
        s.close(); // downstream goes first here: the upstream connection is closed too
      }
      await(() -> proxy.logged.size() == 1 && c.stats().upstreamCxActive.value() == 0);
    }
  }

  static byte[] readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static long crc(byte[] b, int len) {
    CRC32 c = new CRC32();
    c.update(b, 0, len);
    return c.getValue();
  }
}
