package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test: an HTTP/1.1 upstream connection whose reads the router paused for a slow downstream (backpressure:
 * here an h2c stream out of flow-control window, as in the benchmark's h2c run where it was seen) goes back to the
 * pool reading again. The bug: the rest of the response, up to its end, was decoded from bytes already read (a
 * chunked body's last data chunk and its terminating zero-length chunk in one read), the connection went back to the
 * pool with reads still off, and the next request on it was written but its response never read (a hang until the
 * route timeout). The cluster allows one connection, so every request after the first reuses it.
 */
class Http1PoolReuseAfterBackpressureEndToEndTest {
  private static final int BIG = 1 << 20;
  private static final int ROUNDS = 5;

  @TempDir
  Path dir;

  @Test
  void aConnectionPausedForASlowDownstreamServesTheNextRequestOnceBackInThePool() throws Exception {
    ChunkedBackend backend = new ChunkedBackend();
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, """
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          listeners:
          - name: http
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress
                  codec_type: AUTO
                  http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes: [{match: {prefix: "/"}, route: {cluster: backend, timeout: 120s}}]
          clusters:
          - name: backend
            type: STATIC
            circuit_breakers: {thresholds: [{max_connections: 1}]}
            load_assignment:
              cluster_name: backend
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
        """.formatted(admin, http, backend.port()));
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
      for (int round = 1; round <= ROUNDS; round++) {
        // a large chunked response to an h2c client that grants window slowly: javoy pauses reading the upstream
        assertEquals(BIG, slowlyRead(http, "/big/" + round), "round " + round);
        // the next request takes the same (only) upstream connection from the pool and must be answered
        try (Socket s = new Socket("127.0.0.1", http)) {
          s.setSoTimeout(30_000);
          s.getOutputStream().write(("GET /small/" + round + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          String response;
          try {
            response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
          } catch (SocketTimeoutException e) {
            throw new AssertionError("round " + round + ": the request on the pooled upstream connection got no"
                + " answer in 30 s (the connection went back to the pool with reads paused)\n" + javoy.output(), e);
          }
          assertTrue(response.startsWith("HTTP/1.1 200"), "round " + round + ": " + response);
          assertTrue(response.endsWith("small"), "round " + round + ": " + response);
        }
      }
      assertEquals(1, ConfigTemplate.stat(javoy, "cluster.backend.upstream_cx_total"),
          "every request reused the one upstream connection");
    } finally {
      backend.close();
    }
  }

  /**
   * GET {@code path} over h2c from a client that grants flow-control window 16 KiB at a time as it reads: javoy's
   * stream stops being writable every 16 KiB and it pauses reading the upstream; returns the body's length.
   */
  private static int slowlyRead(int port, String path) throws Exception {
    try (RawH2Connection c = RawH2Connection.open(port)) {
      c.headers(1, RawH2Connection.request("GET", path), true);
      int read = 0;
      int ungranted = 0;
      for (RawH2Connection.Frame f = c.readFrame(); f != null; f = c.readFrame()) {
        if (f.type() == RawH2Connection.RST_STREAM || f.type() == RawH2Connection.GOAWAY) {
          throw new AssertionError("stream reset or connection closed after " + read + " bytes: frame " + f.type());
        }
        if (f.stream() != 1) {
          continue;
        }
        if (f.type() == RawH2Connection.HEADERS) {
          assertEquals("200", c.decode(f).status().toString());
        } else if (f.type() == RawH2Connection.DATA) {
          read += f.payload().length;
          ungranted += f.payload().length;
          if (ungranted >= 16384) {
            Thread.sleep(2);
            byte[] increment = java.nio.ByteBuffer.allocate(4).putInt(ungranted).array();
            c.frame(RawH2Connection.WINDOW_UPDATE, 0, 1, increment);
            c.frame(RawH2Connection.WINDOW_UPDATE, 0, 0, increment);
            ungranted = 0;
          }
        }
        if ((f.flags() & RawH2Connection.END_STREAM) != 0) {
          return read;
        }
      }
      throw new IOException("connection closed after " + read + " bytes");
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed mid-headers: " + b);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * A keep-alive HTTP/1.1 server: {@code /big...} answers {@link #BIG} bytes in 8 KiB chunks (chunked transfer
   * encoding), anything else {@code small} with a content-length.
   */
  private static final class ChunkedBackend implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    ChunkedBackend() throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            connections.add(s);
            Thread t = new Thread(() -> serve(s), "chunked-backend");
            t.setDaemon(true);
            t.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "chunked-backend-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private static void serve(Socket s) {
      byte[] chunk = new byte[8192];
      Arrays.fill(chunk, (byte) 'x');
      byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
      try (s) {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65536);
        while (true) {
          String requestLine = line(in);
          while (!line(in).isEmpty()) {
            // headers: GETs without a body
          }
          if (requestLine.split(" ")[1].startsWith("/big")) {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int sent = 0; sent < BIG; sent += chunk.length) {
              out.write(chunkHead);
              out.write(chunk);
              out.write(crlf);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          } else {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsmall".getBytes(StandardCharsets.ISO_8859_1));
          }
          out.flush();
        }
      } catch (IOException e) {
        // the proxy closed the connection
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : connections) {
        s.close();
      }
    }
  }
}
