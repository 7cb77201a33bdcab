package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming with bounded memory: 256 MiB up and 256 MiB down through javoy, over HTTP/1.1 and h2c, with
 * {@code per_connection_buffer_limit_bytes: 65536} and the receiving side reading slowly. The bytes must arrive
 * intact (CRC-32 over the whole stream) and javoy must not buffer them: its direct memory is capped far below
 * the body size ({@code -XX:MaxDirectMemorySize=16m}) and its resident set (VmRSS of the process) may grow by
 * less than 8 MiB over a warmed-up baseline while the transfers run.
 *
 * <p>The HTTP/2 listener uses Envoy's edge-proxy recommendation for the receive windows (64 KiB per stream, 1 MiB
 * per connection): with Envoy's defaults (256 MiB each) a client may, in Envoy as in javoy, have that much in
 * flight to a stream whose upstream is slow.
 */
class StreamingMemoryEndToEndTest {
  static final long SIZE = 256L << 20;
  /** The slow side's pace: bytes per second. */
  static final long SLOW_RATE = 96L << 20;
  /** How much javoy's resident set may grow over the baseline during a transfer. */
  static final long RSS_SLACK = 8L << 20;
  static final int BLOCK = 1 << 20;
  static final byte[] PATTERN = new byte[BLOCK];
  /** Upload bytes the backend has read so far (of the current upload). */
  static final AtomicLong backendReceived = new AtomicLong();
  /** The most upload bytes that were sent by the client and not yet read by the backend. */
  static final AtomicLong maxInFlight = new AtomicLong();

  @TempDir
  static Path dir;
  static ServerSocket backend;
  static JavoyProcess javoy;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    new Random(42).nextBytes(PATTERN);
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!backend.isClosed()) {
        try {
          Socket s = backend.accept();
          Thread t = new Thread(() -> serve(s), "stream-backend");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "stream-backend-accept");
    accept.setDaemon(true);
    accept.start();
    int admin = JavoyProcess.freePort();
    port = JavoyProcess.freePort();
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${PORT}", Integer.toString(port))
        .replace("${BACKEND}", Integer.toString(backend.getLocalPort()));
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, List.of("-XX:MaxDirectMemorySize=16m"), "-c", config.toString(),
        "--concurrency", "2", "-l", "warning");
    // warm up both directions and protocols so that the baseline includes JIT and pool growth
    http1Upload(8L << 20, false);
    http1Download(8L << 20, false);
    h2Upload(8L << 20, false);
    h2Download(8L << 20, false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backend.close();
  }

  // ---- the pattern ----

  static void fill(byte[] buf, long offset, int len) {
    for (int done = 0; done < len; ) {
      long at = offset + done;
      int inBlock = (int) (at % BLOCK);
      int n = Math.min(len - done, BLOCK - inBlock);
      System.arraycopy(PATTERN, inBlock, buf, done, n);
      byte salt = (byte) (at / BLOCK);
      for (int i = done; i < done + n; i++) {
        buf[i] ^= salt;
      }
      done += n;
    }
  }

  static long expectedCrc(long size) {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[64 * 1024];
    for (long off = 0; off < size; off += buf.length) {
      int n = (int) Math.min(buf.length, size - off);
      fill(buf, off, n);
      crc.update(buf, 0, n);
    }
    return crc.getValue();
  }

  /** Sleeps as needed so that {@code add}ed bytes go no faster than the rate. */
  static final class Pacer {
    private final long start = System.nanoTime();
    private final long rate;
    private long bytes;

    Pacer(long rate) {
      this.rate = rate;
    }

    void add(long n) throws InterruptedException {
      bytes += n;
      long dueNanos = bytes * 1_000_000_000L / rate;
      long ahead = dueNanos - (System.nanoTime() - start);
      if (ahead > 2_000_000) {
        TimeUnit.NANOSECONDS.sleep(ahead);
      }
    }
  }

  // ---- the backend: POST /upload reads slowly and answers "len=N crc=C"; GET /download?n=N writes fast ----

  static void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      while (true) {
        String head = HeaderCaseEndToEndTest.readHead(in);
        if (head.isEmpty()) {
          return;
        }
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        String target = requestLine.split(" ")[1];
        if (target.startsWith("/upload")) {
          long len = contentLength(head);
          CRC32 crc = new CRC32();
          byte[] buf = new byte[64 * 1024];
          Pacer pacer = new Pacer(SLOW_RATE);
          long got = 0;
          while (got < len) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, len - got));
            if (n < 0) {
              return;
            }
            crc.update(buf, 0, n);
            got += n;
            backendReceived.set(got);
            pacer.add(n);
          }
          byte[] body = ("len=" + got + " crc=" + crc.getValue()).getBytes(StandardCharsets.US_ASCII);
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        } else {
          long n = Long.parseLong(target.substring(target.indexOf("n=") + 2));
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          byte[] buf = new byte[64 * 1024];
          for (long off = 0; off < n; off += buf.length) {
            int len = (int) Math.min(buf.length, n - off);
            fill(buf, off, len);
            out.write(buf, 0, len);
          }
          out.flush();
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the proxy went away
    }
  }

  static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("content-length")) {
        return Long.parseLong(line.substring(c + 1).trim());
      }
    }
    return 0;
  }

  // ---- javoy's resident set ----

  static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + javoy.process().pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  /** Runs the transfer while sampling javoy's RSS; fails when it grew more than the slack over the start. */
  static void withinMemory(String what, Check transfer) throws Exception {
    System.gc();
    long base = rss();
    AtomicLong peak = new AtomicLong(base);
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread sampler = new Thread(() -> {
      while (!done.isDone()) {
        try {
          peak.accumulateAndGet(rss(), Math::max);
          Thread.sleep(50);
        } catch (Exception e) {
          return;
        }
      }
    }, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try {
      transfer.run();
    } catch (Exception | AssertionError e) {
      String out = javoy.output();
      throw new AssertionError(what + " failed; javoy's log ends with:\n"
          + out.substring(Math.max(0, out.length() - 3000)), e);
    } finally {
      done.complete(null);
      sampler.join(1000);
    }
    long growth = peak.get() - base;
    System.out.printf("%s: javoy RSS %d MiB at start, peak +%d KiB%n", what, base >> 20, growth >> 10);
    assertTrue(growth < RSS_SLACK, what + ": javoy's RSS grew by " + (growth >> 20) + " MiB while streaming");
  }

  interface Check {
    void run() throws Exception;
  }

  // ---- HTTP/1.1 ----

  static Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(120_000);
    return s;
  }

  static void http1Upload(long size, boolean check) throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          out.write(("POST /upload HTTP/1.1\r\nHost: stream\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          byte[] buf = new byte[64 * 1024];
          for (long off = 0; off < size; off += buf.length) {
            int n = (int) Math.min(buf.length, size - off);
            fill(buf, off, n);
            out.write(buf, 0, n);
          }
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      InputStream in = s.getInputStream();
      String head = HeaderCaseEndToEndTest.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      byte[] body = in.readNBytes((int) contentLength(head));
      writer.get(120, TimeUnit.SECONDS);
      if (check) {
        assertEquals("len=" + size + " crc=" + expectedCrc(size), new String(body, StandardCharsets.US_ASCII));
      }
    }
  }

  static void http1Download(long size, boolean check) throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write(("GET /download?n=" + size + " HTTP/1.1\r\nHost: stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String head = HeaderCaseEndToEndTest.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertEquals(size, contentLength(head));
      CRC32 crc = new CRC32();
      byte[] buf = new byte[64 * 1024];
      Pacer pacer = new Pacer(SLOW_RATE);
      long got = 0;
      while (got < size) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, size - got));
        assertTrue(n > 0, "the download ended after " + got + " bytes");
        crc.update(buf, 0, n);
        got += n;
        pacer.add(n);
      }
      if (check) {
        assertEquals(expectedCrc(size), crc.getValue());
      }
    }
  }

  // ---- h2c (prior knowledge), with the client's own flow control ----

  /** One h2c stream with a reader thread keeping the send windows and collecting the response. */
  static final class H2Exchange implements AutoCloseable {
    final RawH2Connection c;
    final Object lock = new Object();
    long connWindow = 65_535;
    long streamWindow = -1; // until the peer's SETTINGS
    String status;
    final ByteArrayOutputStream smallBody = new ByteArrayOutputStream();
    final CRC32 crc = new CRC32();
    long received;
    boolean ended;
    Throwable failure;
    final Pacer pacer;
    final Thread reader;

    H2Exchange(long readRate) throws IOException {
      c = RawH2Connection.open(port);
      pacer = readRate > 0 ? new Pacer(readRate) : null;
      reader = new Thread(this::read, "h2-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try {
        RawH2Connection.Frame f;
        while ((f = c.readFrame()) != null) {
          synchronized (lock) {
            if (f.type() == RawH2Connection.SETTINGS && (f.flags() & RawH2Connection.ACK) == 0) {
              long initial = 65_535;
              byte[] p = f.payload();
              for (int i = 0; i + 6 <= p.length; i += 6) {
                int id = (p[i] & 0xFF) << 8 | (p[i + 1] & 0xFF);
                long v = ((p[i + 2] & 0xFFL) << 24) | ((p[i + 3] & 0xFF) << 16) | ((p[i + 4] & 0xFF) << 8)
                    | (p[i + 5] & 0xFF);
                if (id == 4) {
                  initial = v;
                }
              }
              streamWindow = streamWindow < 0 ? initial : streamWindow;
            } else if (f.type() == RawH2Connection.WINDOW_UPDATE) {
              byte[] p = f.payload();
              long inc = ((p[0] & 0x7FL) << 24) | ((p[1] & 0xFF) << 16) | ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
              if (f.stream() == 0) {
                connWindow += inc;
              } else {
                streamWindow += inc;
              }
            } else if (f.type() == RawH2Connection.HEADERS && f.stream() == 1) {
              status = c.decode(f).status().toString();
              ended |= (f.flags() & RawH2Connection.END_STREAM) != 0;
            } else if (f.type() == RawH2Connection.DATA && f.stream() == 1) {
              crc.update(f.payload());
              received += f.payload().length;
              if (smallBody.size() < 1024) {
                smallBody.write(f.payload());
              }
              ended |= (f.flags() & RawH2Connection.END_STREAM) != 0;
            } else if (f.type() == RawH2Connection.RST_STREAM || f.type() == RawH2Connection.GOAWAY) {
              byte[] p = f.payload();
              String detail = f.type() == RawH2Connection.GOAWAY && p.length >= 8
                  ? " error " + (((p[4] & 0xFF) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF))
                      + " " + new String(p, 8, p.length - 8, StandardCharsets.UTF_8)
                  : "";
              failure = new AssertionError("frame type " + f.type() + " on stream " + f.stream() + detail);
              ended = true;
            }
            lock.notifyAll();
          }
          if (f.type() == RawH2Connection.DATA && f.payload().length > 0) {
            if (pacer != null) {
              pacer.add(f.payload().length);
            }
            byte[] inc = windowIncrement(f.payload().length);
            c.frame(RawH2Connection.WINDOW_UPDATE, 0, 0, inc);
            c.frame(RawH2Connection.WINDOW_UPDATE, 0, 1, inc);
          }
          if (ended) {
            return;
          }
        }
        synchronized (lock) {
          failure = new AssertionError("connection closed");
          ended = true;
          lock.notifyAll();
        }
      } catch (Exception e) {
        synchronized (lock) {
          failure = e;
          ended = true;
          lock.notifyAll();
        }
      }
    }

    static byte[] windowIncrement(int n) {
      return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    /** Sends the body within the peer's windows, 16 KiB DATA frames. */
    void sendBody(long size) throws Exception {
      byte[] buf = new byte[16_384];
      long off = 0;
      while (off < size) {
        int n;
        synchronized (lock) {
          long deadline = System.nanoTime() + 120_000_000_000L;
          while ((streamWindow <= 0 || connWindow <= 0) && failure == null) {
            lock.wait(1000);
            assertTrue(System.nanoTime() < deadline, "no flow-control window for 120 s");
          }
          if (failure != null) {
            throw new AssertionError("h2 stream failed after " + off + " bytes", failure);
          }
          n = (int) Math.min(Math.min(buf.length, size - off), Math.min(streamWindow, connWindow));
          streamWindow -= n;
          connWindow -= n;
        }
        fill(buf, off, n);
        off += n;
        maxInFlight.accumulateAndGet(off - backendReceived.get(), Math::max);
        byte[] payload = n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
        c.frame(RawH2Connection.DATA, off == size ? RawH2Connection.END_STREAM : 0, 1, payload);
      }
    }

    void awaitEnd() throws Exception {
      synchronized (lock) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!ended) {
          lock.wait(1000);
          assertTrue(System.nanoTime() < deadline, "the response did not end in 120 s");
        }
        if (failure != null) {
          throw new AssertionError("h2 exchange failed after " + received + " bytes", failure);
        }
      }
    }

    @Override
    public void close() throws IOException {
      c.close();
    }
  }

  static void h2Upload(long size, boolean check) throws Exception {
    backendReceived.set(0);
    maxInFlight.set(0);
    try (H2Exchange x = new H2Exchange(0)) {
      synchronized (x.lock) {
        while (x.streamWindow < 0 && x.failure == null) {
          x.lock.wait(1000);
        }
      }
      Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").path("/upload").authority("stream")
          .set("content-length", Long.toString(size));
      x.c.headers(1, h, false);
      x.sendBody(size);
      x.awaitEnd();
      System.out.printf("h2c upload: at most %d KiB sent and not yet read by the backend%n", maxInFlight.get() >> 10);
      assertEquals("200", x.status);
      if (check) {
        assertEquals("len=" + size + " crc=" + expectedCrc(size), x.smallBody.toString(StandardCharsets.US_ASCII));
      }
    }
  }

  static void h2Download(long size, boolean check) throws Exception {
    try (H2Exchange x = new H2Exchange(SLOW_RATE)) {
      x.c.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").path("/download?n=" + size)
          .authority("stream"), true);
      x.awaitEnd();
      assertEquals("200", x.status);
      assertEquals(size, x.received);
      if (check) {
        assertEquals(expectedCrc(size), x.crc.getValue());
      }
    }
  }

  @Test
  void http1UploadToASlowReader() throws Exception {
    withinMemory("HTTP/1.1 upload", () -> http1Upload(SIZE, true));
  }

  @Test
  void http1DownloadBySlowClient() throws Exception {
    withinMemory("HTTP/1.1 download", () -> http1Download(SIZE, true));
  }

  @Test
  void h2cUploadToASlowReader() throws Exception {
    withinMemory("h2c upload", () -> h2Upload(SIZE, true));
  }

  @Test
  void h2cDownloadBySlowClient() throws Exception {
    withinMemory("h2c download", () -> h2Download(SIZE, true));
  }

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: stream
          address: {socket_address: {address: 127.0.0.1, port_value: ${PORT}}}
          per_connection_buffer_limit_bytes: 65536
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: stream
                stream_idle_timeout: 120s
                http2_protocol_options: {initial_stream_window_size: 65536, initial_connection_window_size: 1048576}
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes: [{match: {prefix: /}, route: {cluster: backend, timeout: 0s}}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        clusters:
        - name: backend
          type: STATIC
          connect_timeout: 1s
          per_connection_buffer_limit_bytes: 65536
          load_assignment:
            cluster_name: backend
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}}]}]
      """;
}
