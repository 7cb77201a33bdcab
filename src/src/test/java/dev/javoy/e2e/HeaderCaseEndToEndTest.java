package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http_protocol_options.header_key_format} on the HCM and on clusters, checked on the exact bytes with a
 * raw socket client and a raw socket backend: lower case by default, {@code proper_case_words}, and the
 * {@code preserve_case} stateful formatter (each side sees the other side's spelling; with
 * {@code forward_reason_phrase} the upstream's reason phrase goes through).
 */
class HeaderCaseEndToEndTest {
  @TempDir
  static Path dir;
  static ServerSocket backend;
  static Thread backendThread;
  static JavoyProcess javoy;
  static int defaultPort;
  static int properPort;
  static int preservePort;
  /** The request heads the backend received, in order. */
  static final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

  static final String RESPONSE = "HTTP/1.1 200 Fine Thanks\r\nX-UpStream-CaSe: u\r\ncontent-TYPE: text/plain\r\n"
      + "Content-Length: 2\r\n\r\nok";

  @BeforeAll
  static void start() throws Exception {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    backendThread = new Thread(() -> {
      while (!backend.isClosed()) {
        try (Socket s = backend.accept()) {
          s.setSoTimeout(10_000);
          received.add(readHead(s.getInputStream()));
          OutputStream out = s.getOutputStream();
          out.write(RESPONSE.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          s.shutdownOutput();
          s.getInputStream().read(); // wait for javoy to close
        } catch (IOException e) {
          // closed or the proxy went away
        }
      }
    }, "raw-backend");
    backendThread.setDaemon(true);
    backendThread.start();
    int admin = JavoyProcess.freePort();
    defaultPort = JavoyProcess.freePort();
    properPort = JavoyProcess.freePort();
    preservePort = JavoyProcess.freePort();
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${DEFAULT}", Integer.toString(defaultPort))
        .replace("${PROPER}", Integer.toString(properPort))
        .replace("${PRESERVE}", Integer.toString(preservePort))
        .replace("${BACKEND}", Integer.toString(backend.getLocalPort()));
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backend.close();
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** Sends a request with mixed-case header names on a raw socket; returns the response head and the backend's. */
  private static String[] exchange(int port) throws Exception {
    received.clear();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(("GET /case HTTP/1.1\r\nHost: example\r\nX-Client-CaSe: c\r\nuser-AGENT: raw\r\n"
          + "ACCEPT: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      String head = readHead(s.getInputStream());
      String upstream = received.poll(20, TimeUnit.SECONDS);
      return new String[] {head, upstream};
    }
  }

  private static void assertHasLine(String head, String line) {
    assertTrue(head.contains("\r\n" + line + "\r\n"), "expected line '" + line + "' in:\n" + head);
  }

  @Test
  void lowerCaseByDefault() throws Exception {
    String[] r = exchange(defaultPort);
    assertTrue(r[0].startsWith("HTTP/1.1 200 OK\r\n"), "the standard reason phrase: " + r[0]);
    assertHasLine(r[0], "x-upstream-case: u");
    assertHasLine(r[0], "content-type: text/plain");
    assertHasLine(r[1], "x-client-case: c");
    assertHasLine(r[1], "user-agent: raw");
    assertHasLine(r[1], "host: example");
  }

  @Test
  void properCaseWords() throws Exception {
    String[] r = exchange(properPort);
    assertTrue(r[0].startsWith("HTTP/1.1 200 OK\r\n"), r[0]);
    assertHasLine(r[0], "X-Upstream-Case: u");
    assertHasLine(r[0], "Content-Type: text/plain");
    assertHasLine(r[1], "X-Client-Case: c");
    assertHasLine(r[1], "User-Agent: raw");
    assertHasLine(r[1], "X-Forwarded-Proto: http");
  }

  @Test
  void preserveCase() throws Exception {
    String[] r = exchange(preservePort);
    assertTrue(r[0].startsWith("HTTP/1.1 200 Fine Thanks\r\n"), "forward_reason_phrase: " + r[0]);
    assertHasLine(r[0], "X-UpStream-CaSe: u");
    assertHasLine(r[0], "content-TYPE: text/plain");
    assertHasLine(r[1], "X-Client-CaSe: c");
    assertHasLine(r[1], "user-AGENT: raw");
    assertHasLine(r[1], "ACCEPT: */*");
    assertHasLine(r[1], "X-Forwarded-Proto: http"); // formatter_type_on_envoy_headers: PROPER_CASE
  }

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: default
          address: {socket_address: {address: 127.0.0.1, port_value: ${DEFAULT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: default
                route_config:
                  virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: default}}]}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        - name: proper
          address: {socket_address: {address: 127.0.0.1, port_value: ${PROPER}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: proper
                http_protocol_options:
                  header_key_format: {proper_case_words: {}}
                route_config:
                  virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: proper}}]}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        - name: preserve
          address: {socket_address: {address: 127.0.0.1, port_value: ${PRESERVE}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: preserve
                http_protocol_options:
                  header_key_format:
                    stateful_formatter:
                      name: envoy.http.stateful_header_formatters.preserve_case
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.http.header_formatters.preserve_case.v3.PreserveCaseFormatterConfig
                        forward_reason_phrase: true
                route_config:
                  virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: preserve}}]}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        clusters:
        - name: default
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: default
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}}]}]
        - name: proper
          type: STATIC
          connect_timeout: 1s
          typed_extension_protocol_options:
            envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
              "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
              explicit_http_config:
                http_protocol_options:
                  header_key_format: {proper_case_words: {}}
          load_assignment:
            cluster_name: proper
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}}]}]
        - name: preserve
          type: STATIC
          connect_timeout: 1s
          typed_extension_protocol_options:
            envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
              "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
              explicit_http_config:
                http_protocol_options:
                  header_key_format:
                    stateful_formatter:
                      name: envoy.http.stateful_header_formatters.preserve_case
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.http.header_formatters.preserve_case.v3.PreserveCaseFormatterConfig
                        forward_reason_phrase: true
                        formatter_type_on_envoy_headers: PROPER_CASE
          load_assignment:
            cluster_name: preserve
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}}]}]
      """;
}
