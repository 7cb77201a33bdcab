package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An LDS update that changes one filter chain of a listener: a connection on the unchanged chain keeps
 * running untouched (its slow request completes, the connection stays open for more), while an idle
 * connection on the changed chain is drained (closed). Envoy would drain both.
 */
class HitlessListenerUpdateTest {
  @TempDir
  Path dir;

  @Test
  void changingOneChainLeavesTheOtherChainsConnectionsAlone() throws Exception {
    HttpServer backend = TestBackends.http("A");
    int http = JavoyProcess.freePort();
    int admin = JavoyProcess.freePort();
    int stablePort = JavoyProcess.freePort(); // the client source port that selects the unchanged chain
    Path lds = dir.resolve("lds.yaml");
    Path cds = dir.resolve("cds.yaml");
    try {
      Files.writeString(cds, """
          resources:
          - "@type": type.googleapis.com/envoy.config.cluster.v3.Cluster
            name: backend
            type: STATIC
            load_assignment:
              cluster_name: backend
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
          """.formatted(backend.getAddress().getPort()));
      Files.writeString(lds, listener(http, stablePort, "v1"));
      Path config = dir.resolve("envoy.yaml");
      Files.writeString(config, """
          node: {id: n, cluster: c}
          admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
          dynamic_resources:
            cds_config: {path_config_source: {path: %s}}
            lds_config: {path_config_source: {path: %s}}
          """.formatted(admin, cds, lds));
      try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1",
          "--drain-time-s", "30")) {
        // connection 1: on the stable chain (source port), with a slow request in flight
        Socket stable = new Socket();
        stable.setReuseAddress(true);
        stable.bind(new InetSocketAddress("127.0.0.1", stablePort));
        stable.connect(new InetSocketAddress("127.0.0.1", http));
        stable.setSoTimeout(15_000);
        stable.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // connection 2: on the default chain, idle after one request
        Socket changing = new Socket("127.0.0.1", http);
        changing.setSoTimeout(15_000);
        changing.getOutputStream().write("GET /d HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(readResponse(changing.getInputStream()).contains("v1"));
        Thread.sleep(300);
        // change only the default chain
        Path tmp = dir.resolve("lds.tmp");
        Files.writeString(tmp, listener(http, stablePort, "v2"));
        Files.move(tmp, lds, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // the idle connection on the changed chain is closed by the drain
        long deadline = System.nanoTime() + 10_000_000_000L;
        int read = 0;
        while (System.nanoTime() < deadline && (read = changing.getInputStream().read()) != -1) {
          Thread.sleep(10);
        }
        assertEquals(-1, read, "the changed chain's idle connection was drained");
        // the slow request on the unchanged chain completes, keep-alive, no Connection: close
        String slow = readResponse(stable.getInputStream());
        assertTrue(slow.startsWith("HTTP/1.1 200"), slow);
        assertTrue(!slow.toLowerCase().contains("connection: close"), slow);
        stable.getOutputStream().write("GET /again HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(readResponse(stable.getInputStream()).contains("A GET /again"), "the stable connection still serves");
        // new connections on the changed chain get the new config
        assertEquals("v2", Curl.run("http://127.0.0.1:" + http + "/d").body());
        stable.close();
        changing.close();
      }
    } finally {
      backend.stop(0);
    }
  }

  private static String listener(int port, int stableSourcePort, String version) {
    return """
        resources:
        - "@type": type.googleapis.com/envoy.config.listener.v3.Listener
          name: l
          address: {socket_address: {address: 127.0.0.1, port_value: %d}}
          filter_chains:
          - name: stable
            filter_chain_match: {source_ports: [%d]}
            filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: stable
                http_filters: [{name: envoy.filters.http.router}]
                route_config: {virtual_hosts: [{name: a, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}]}
          default_filter_chain:
            name: changing
            filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: changing
                http_filters: [{name: envoy.filters.http.router}]
                route_config: {virtual_hosts: [{name: a, domains: ["*"], routes: [{match: {prefix: "/"}, direct_response: {status: 200, body: {inline_string: "%s"}}}]}]}
        """.formatted(port, stableSourcePort, version);
  }

  /** Reads one response with a Content-Length body; returns head and body. */
  private static String readResponse(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("connection closed mid-response: " + head);
      }
      head.append((char) c);
    }
    int cl = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
    return head + new String(in.readNBytes(cl), StandardCharsets.UTF_8);
  }
}
