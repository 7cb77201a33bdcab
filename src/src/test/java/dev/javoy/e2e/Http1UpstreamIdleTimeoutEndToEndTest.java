package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's {@code common_http_protocol_options.idle_timeout} on HTTP/1.1 upstream connections, as Envoy: the time
 * a connection has no active request. A connection reused more often than the timeout stays open however long it
 * lives; once it waits in the pool for the timeout it closes ({@code upstream_cx_idle_timeout}), and the next request
 * opens a new one.
 */
class Http1UpstreamIdleTimeoutEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void aPooledConnectionClosesAfterIdleTimeoutWithoutARequestAndStaysOpenWhileReused() throws Exception {
    try (CountingBackend backend = new CountingBackend()) {
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
                    http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]
                    route_config:
                      virtual_hosts:
                      - {name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}
            clusters:
            - name: backend
              type: STATIC
              typed_extension_protocol_options:
                envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                  "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                  common_http_protocol_options: {idle_timeout: 2s}
                  explicit_http_config: {http_protocol_options: {}}
              load_assignment:
                cluster_name: backend
                endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
          """.formatted(admin, http, backend.port()));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + http + "/");
        // reused every 200 ms for 3 s (longer than the timeout): the one connection stays open
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int requests = 0;
        while (System.nanoTime() < end) {
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode());
          requests++;
          Thread.sleep(200);
        }
        assertTrue(requests >= 5, "requests: " + requests);
        assertEquals(1, backend.accepted.get(), "a connection reused within the idle timeout stays open");
        assertEquals(0, backend.closedByPeer.get());
        // left idle in the pool: javoy closes it after the timeout
        assertTrue(backend.firstClose.await(30, TimeUnit.SECONDS), "the idle connection was not closed");
        assertEquals(1L, counter(javoy, "cluster.backend.upstream_cx_idle_timeout"));
        // the next request opens a new connection
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("ok", r.body());
        assertEquals(2, backend.accepted.get());
      }
    }
  }

  private static long counter(JavoyProcess javoy, String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + name).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return -1;
  }

  /** Answers every request head with {@code 200 ok} on keep-alive connections; counts accepts and peer closes. */
  private static final class CountingBackend implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closedByPeer = new AtomicInteger();
    final CountDownLatch firstClose = new CountDownLatch(1);

    CountingBackend() throws IOException {
      Thread t = new Thread(this::acceptLoop, "idle-backend");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          Thread t = new Thread(() -> serve(s), "idle-backend-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
          // end of a request head: CRLF CRLF (GETs without a body)
          matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1 : (b == '\r' ? 1 : 0);
          if (matched == 4) {
            matched = 0;
            out.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
          }
        }
        closedByPeer.incrementAndGet();
        firstClose.countDown();
      } catch (IOException e) {
        closedByPeer.incrementAndGet();
        firstClose.countDown();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
