package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's {@code drain_type} (Envoy's DEFAULT vs MODIFY_ONLY): a server-wide drain
 * ({@code /drain_listeners?graceful}) makes DEFAULT listeners close their HTTP connections (idle ones at once, busy
 * ones after the current response with {@code Connection: close}) while MODIFY_ONLY listeners keep theirs alive, and only DEFAULT ones count in
 * {@code listener_manager.total_listeners_draining}; while the server fails health checks ({@code /healthcheck/fail})
 * DEFAULT listeners drain-close every connection after its response, MODIFY_ONLY ones do not.
 */
class DrainTypeEndToEndTest {
  @TempDir
  Path dir;

  private static String listener(String name, int port, String drainType) {
    return """
          - name: %s
            drain_type: %s
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
                      routes: [{match: {prefix: "/"}, direct_response: {status: 200, body: {inline_string: "%s"}}}]
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        """.formatted(name, drainType, port, name, name);
  }

  @Test
  void failedHealthChecksDrainCloseDefaultListenersOnly() throws Exception {
    int admin = JavoyProcess.freePort();
    int defaultPort = JavoyProcess.freePort();
    int modifyOnlyPort = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, """
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          listeners:
        %s%s""".formatted(admin, listener("dflt", defaultPort, "DEFAULT"),
        listener("modify", modifyOnlyPort, "MODIFY_ONLY")));
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1");
        RawHttpClient dflt = new RawHttpClient(defaultPort);
        RawHttpClient modify = new RawHttpClient(modifyOnlyPort)) {
      assertNull(dflt.get("a", "/").headers().get("connection"));
      assertEquals(200, javoy.adminPost("/healthcheck/fail").statusCode());
      RawHttpClient.Response r = dflt.get("a", "/");
      assertEquals("dflt", r.text());
      assertEquals("close", r.headers().get("connection"), "a DEFAULT listener drain-closes while health checks fail");
      for (int i = 0; i < 3; i++) {
        r = modify.get("a", "/");
        assertEquals("modify", r.text());
        assertNull(r.headers().get("connection"), "a MODIFY_ONLY listener ignores /healthcheck/fail");
      }
      assertEquals(200, javoy.adminPost("/healthcheck/ok").statusCode());
      r = dflt.get("a", "/"); // reconnects: the previous response closed the connection
      assertNull(r.headers().get("connection"), "after /healthcheck/ok nothing drains");
    }
  }

  @Test
  void serverWideDrainLeavesModifyOnlyListenersAlone() throws Exception {
    int admin = JavoyProcess.freePort();
    int defaultPort = JavoyProcess.freePort();
    int modifyOnlyPort = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, """
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          listeners:
        %s%s""".formatted(admin, listener("dflt", defaultPort, "DEFAULT"),
        listener("modify", modifyOnlyPort, "MODIFY_ONLY")));
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1",
            "--drain-time-s", "60");
        RawHttpClient dflt = new RawHttpClient(defaultPort);
        RawHttpClient modify = new RawHttpClient(modifyOnlyPort)) {
      RawHttpClient.Response r = dflt.get("a", "/");
      assertEquals(200, r.status());
      assertNull(r.headers().get("connection"));
      r = modify.get("a", "/");
      assertEquals(200, r.status());
      assertNull(r.headers().get("connection"));

      assertEquals(200, javoy.adminPost("/drain_listeners?graceful").statusCode());
      Thread.sleep(300); // the drain reaches the workers

      // a DEFAULT listener drains: its idle kept-alive connection closes (or, if the request got in first, the
      // response carries Connection: close)
      try {
        r = dflt.get("a", "/");
        assertEquals("close", r.headers().get("connection"), "a DEFAULT listener drains on /drain_listeners");
      } catch (java.io.IOException closed) {
        // closed by the drain
      }
      for (int i = 0; i < 3; i++) {
        r = modify.get("a", "/");
        assertEquals("modify", r.text());
        assertNull(r.headers().get("connection"), "a MODIFY_ONLY listener does not drain on /drain_listeners");
      }
      assertEquals(1, ConfigTemplate.stat(javoy, "listener_manager.total_listeners_draining"));
    }
  }
}
