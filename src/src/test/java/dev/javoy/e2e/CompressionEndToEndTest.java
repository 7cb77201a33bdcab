package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * javoy as a separate process with {@code envoy.filters.http.compressor} before the router, a real backend
 * answering a few KB of text, and curl: gzip when the client asks for it, identity when it does not, and
 * Istio's chain of brotli, zstd and gzip compressors picking the client's preferred encoding.
 */
class CompressionEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int gzipPort;
  static int chainPort;
  static Path payload;
  static String text;

  private static String listener(String name, int port, String filters) {
    return """
          - name: %s
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: %s
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        route: {cluster: backend}
                  http_filters:
        %s
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """.formatted(name, port, name, filters);
  }

  private static String compressor(String name, String libraryType, String contentTypes) {
    return """
                  - name: envoy.filters.http.compressor.%s
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor
                      compressor_library:
                        name: %s
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.compression.%s
                      response_direction_config:
                        common_config:
                          content_type: [%s]
        """.formatted(name, name, libraryType, contentTypes);
  }

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("A");
    int admin = JavoyProcess.freePort();
    gzipPort = JavoyProcess.freePort();
    chainPort = JavoyProcess.freePort();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 6000; i++) {
      sb.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
    }
    text = sb.toString();
    payload = dir.resolve("payload.txt");
    Files.writeString(payload, text);
    String istioTypes = "\"text/plain\", \"application/vnd.google.protobuf\", \"application/openmetrics-text\","
        + " \"application/openmetrics-protobuf\"";
    String yaml = "admin:\n  address: {socket_address: {address: 127.0.0.1, port_value: " + admin + "}}\n"
        + "static_resources:\n  listeners:\n"
        + listener("gzip_only", gzipPort, compressor("gzip", "gzip.compressor.v3.Gzip", "\"text/plain\""))
        + listener("istio_chain", chainPort,
            compressor("brotli", "brotli.compressor.v3.Brotli", istioTypes)
                + compressor("zstd", "zstd.compressor.v3.Zstd", istioTypes)
                + compressor("gzip", "gzip.compressor.v3.Gzip", istioTypes))
        + """
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """.formatted(backend.getAddress().getPort());
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info");
  }

  @AfterAll
  static void stop() throws Exception {
    String output = javoy == null ? "" : javoy.output();
    if (javoy != null) {
      javoy.close();
    }
    backend.stop(0);
    // with -Dio.netty.leakDetection.level=paranoid (e.g. through JAVA_TOOL_OPTIONS) leaks are logged
    assertFalse(output.contains("LEAK:"), output);
  }

  private static String url(int port) {
    return "http://127.0.0.1:" + port + "/text";
  }

  /** What the backend answers to the payload: its own line followed by the payload. */
  private static String expected(int port) {
    return "A POST /text host=127.0.0.1:" + port + " body=" + text;
  }

  private static long stat(String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + name).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    throw new AssertionError("no stat " + name);
  }

  @Test
  void gzipWhenAskedFor() throws Exception {
    Curl.Result r = Curl.run("--compressed", "--data-binary", "@" + payload, "-H", "Content-Type: text/plain",
        url(gzipPort));
    assertEquals(200, r.status(), r.headers());
    assertEquals("gzip", r.header("content-encoding"));
    assertEquals("accept-encoding", r.header("vary"));
    assertNull(r.header("content-length"));
    assertEquals("chunked", r.header("transfer-encoding"));
    assertEquals(expected(gzipPort), r.body());

    Curl.Result raw = Curl.run("-H", "Accept-Encoding: gzip", "--data-binary", "@" + payload, url(gzipPort));
    byte[] compressed = raw.body().getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(compressed.length < text.length() / 3, "compressed to " + compressed.length);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      assertArrayEquals(expected(gzipPort).getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertTrue(stat("http.gzip_only.compressor.gzip.gzip.response.compressed") >= 2);
    assertTrue(stat("http.gzip_only.compressor.gzip.gzip.header_compressor_used") >= 2);
    assertTrue(stat("http.gzip_only.compressor.gzip.gzip.response.total_uncompressed_bytes")
        > stat("http.gzip_only.compressor.gzip.gzip.response.total_compressed_bytes"));
  }

  @Test
  void identityWithoutAcceptEncoding() throws Exception {
    Curl.Result r = Curl.run("--data-binary", "@" + payload, url(gzipPort));
    assertEquals(200, r.status(), r.headers());
    assertNull(r.header("content-encoding"));
    assertEquals(String.valueOf(expected(gzipPort).length()), r.header("content-length"));
    assertEquals("accept-encoding", r.header("vary"));
    assertEquals(expected(gzipPort), r.body());
    assertTrue(stat("http.gzip_only.compressor.gzip.gzip.no_accept_header") >= 1);
  }

  @Test
  void istioChainPicksTheClientsEncoding() throws Exception {
    // curl --compressed sends "deflate, gzip, br, zstd": equal weights, so the first one javoy has, gzip
    Curl.Result any = Curl.run("--compressed", "--data-binary", "@" + payload, url(chainPort));
    assertEquals("gzip", any.header("content-encoding"));
    assertEquals(expected(chainPort), any.body());
    for (String encoding : new String[] {"br", "zstd"}) {
      Curl.Result r = Curl.run("--compressed", "-H", "Accept-Encoding: " + encoding, "--data-binary",
          "@" + payload, url(chainPort));
      assertEquals(encoding, r.header("content-encoding"));
      assertEquals(expected(chainPort), r.body());
    }
    assertTrue(stat("http.istio_chain.compressor.brotli.brotli.response.compressed") >= 1);
    assertTrue(stat("http.istio_chain.compressor.zstd.zstd.response.compressed") >= 1);
    assertTrue(stat("http.istio_chain.compressor.brotli.brotli.header_compressor_overshadowed") >= 2);
  }
}
