package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two connection-manager behaviours through a javoy process: local replies to gRPC requests are trailers-only
 * responses with {@code grpc-status} mapped from the HTTP status and {@code grpc-message} the body (Envoy's
 * {@code Utility::sendLocalReply}); and {@code xff_num_trusted_hops} picks the downstream address from
 * {@code x-forwarded-for} as Envoy's table says, which {@code %DOWNSTREAM_REMOTE_ADDRESS%} then shows.
 */
class GrpcLocalReplyAndXffEndToEndTest {
  @TempDir
  static Path dir;
  static JavoyProcess javoy;
  static ManagedChannel channel;
  static int port;
  static int trustedPort;
  static int remotePort;
  static Path accessLog;

  @BeforeAll
  static void start() throws Exception {
    int admin = JavoyProcess.freePort();
    port = JavoyProcess.freePort();
    trustedPort = JavoyProcess.freePort();
    remotePort = JavoyProcess.freePort();
    accessLog = dir.resolve("access.log");
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${PORT}", Integer.toString(port))
        .replace("${TRUSTED}", Integer.toString(trustedPort))
        .replace("${REMOTE}", Integer.toString(remotePort))
        .replace("${CLOSED}", Integer.toString(JavoyProcess.freePort()))
        .replace("${ACCESS_LOG}", accessLog.toString());
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning",
        "--file-flush-interval-msec", "100");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (javoy != null) {
      javoy.close();
    }
  }

  private static StatusRuntimeException call(String service) {
    var method = EchoGrpcService.UNARY.toBuilder().setFullMethodName(service + "/Unary").build();
    return assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel, method,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), EchoGrpcService.utf8("hi")));
  }

  @Test
  void connectFailureIsUnavailableWithTheBodyAsMessage() {
    StatusRuntimeException e = call("down.Echo");
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("upstream connect error or disconnect/reset before headers"),
        e.getStatus().getDescription());
  }

  @Test
  void noRouteIsUnimplemented() {
    assertEquals(Status.Code.UNIMPLEMENTED, call("nowhere.Echo").getStatus().getCode());
  }

  @Test
  void directResponseIsALocalReplyToo() throws Exception {
    // Envoy's router sends a direct_response with sendLocalReply: a gRPC request gets it gRPC-shaped
    Curl.Result r = Curl.run("-H", "content-type: application/grpc", "http://127.0.0.1:" + port + "/direct");
    assertEquals(200, r.status());
    assertEquals("7", r.header("grpc-status"), "403 is PERMISSION_DENIED");
    r = Curl.run("http://127.0.0.1:" + port + "/direct");
    assertEquals(403, r.status(), "not gRPC: as it is");
  }

  @Test
  void http1GrpcLocalReply() throws Exception {
    Curl.Result r = Curl.run("-X", "POST", "-H", "content-type: application/grpc", "--data-binary", "x",
        "http://127.0.0.1:" + port + "/nowhere.Echo/Unary");
    assertEquals(200, r.status());
    assertEquals("application/grpc", r.header("content-type"));
    assertEquals("12", r.header("grpc-status"));
    assertEquals("", r.body());
  }

  @Test
  void xffTrustedHops() throws Exception {
    Curl.run("-H", "x-forwarded-for: 10.0.0.1, 192.0.2.7, 10.0.0.3", "http://127.0.0.1:" + trustedPort + "/hops1");
    Curl.run("-H", "x-forwarded-for: 10.0.0.1,192.0.2.8", "http://127.0.0.1:" + remotePort + "/hops1remote");
    Curl.run("-H", "x-forwarded-for: not-an-ip", "http://127.0.0.1:" + trustedPort + "/bad");
    Curl.run("http://127.0.0.1:" + remotePort + "/none");
    // use_remote_address false, 1 trusted hop: the 2nd from the right
    assertEquals("/hops1 192.0.2.7:0 192.0.2.7", logLine("/hops1 "));
    // use_remote_address true, 1 trusted hop: the 1st from the right, before javoy appends the peer
    assertEquals("/hops1remote 192.0.2.8:0 192.0.2.8", logLine("/hops1remote "));
    assertTrue(logLine("/bad ").startsWith("/bad 127.0.0.1:"), "not an IP: the peer's address");
    assertTrue(logLine("/none ").startsWith("/none 127.0.0.1:"), "no header: the peer's address");
  }

  private static String logLine(String prefix) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(accessLog)) {
        for (String line : Files.readAllLines(accessLog)) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no access log line for " + prefix);
  }

  private static final String XFF_LISTENER = """
        - name: ${NAME}
          address: {socket_address: {address: 127.0.0.1, port_value: ${LPORT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ${NAME}
                use_remote_address: ${USE_REMOTE}
                xff_num_trusted_hops: 1
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: ${ACCESS_LOG}
                    log_format:
                      text_format_source:
                        inline_string: "%REQ(:PATH)% %DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%\\n"
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes: [{match: {prefix: /}, direct_response: {status: 200}}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
      """;

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: grpc
          address: {socket_address: {address: 127.0.0.1, port_value: ${PORT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: grpc
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: {prefix: /down.Echo/}
                      route: {cluster: down}
                    - match: {prefix: /direct}
                      direct_response: {status: 403}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
      """ + XFF_LISTENER.replace("${NAME}", "trusted").replace("${LPORT}", "${TRUSTED}")
          .replace("${USE_REMOTE}", "false")
      + XFF_LISTENER.replace("${NAME}", "remote").replace("${LPORT}", "${REMOTE}").replace("${USE_REMOTE}", "true")
      + """
        clusters:
        - name: down
          type: STATIC
          connect_timeout: 1s
          typed_extension_protocol_options:
            envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
              "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
              explicit_http_config: {http2_protocol_options: {}}
          load_assignment:
            cluster_name: down
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${CLOSED}}}}}]}]
      """;
}
