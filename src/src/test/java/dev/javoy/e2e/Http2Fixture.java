package dev.javoy.e2e;

import com.sun.net.httpserver.HttpServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * javoy running {@code e2e/http2.yaml}: listener {@code h2} (prior-knowledge h2c, stats {@code http.h2in.}),
 * {@code auto} (AUTO, {@code http.autoin.}) and {@code h2limits} (tiny outbound frame limit), in front of an
 * HTTP/1.1 backend ({@code /a...}) and an h2c backend (everything else).
 */
final class Http2Fixture implements AutoCloseable {
  final HttpServer backendA;
  final H2cBackend h2Backend;
  final JavoyProcess javoy;
  final int h2Port;
  final int autoPort;
  final int limitsPort;
  final Path accessLog;

  Http2Fixture(Path dir) throws Exception {
    backendA = TestBackends.http("A");
    h2Backend = new H2cBackend();
    int admin = JavoyProcess.freePort();
    h2Port = JavoyProcess.freePort();
    autoPort = JavoyProcess.freePort();
    limitsPort = JavoyProcess.freePort();
    accessLog = dir.resolve("access.log");
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("H2", Integer.toString(h2Port));
    vars.put("AUTO", Integer.toString(autoPort));
    vars.put("H2_LIMITS", Integer.toString(limitsPort));
    vars.put("BACKEND_A", Integer.toString(backendA.getAddress().getPort()));
    vars.put("H2_BACKEND", Integer.toString(h2Backend.port()));
    vars.put("ACCESS_LOG", accessLog.toString());
    Path config = ConfigTemplate.render("/e2e/http2.yaml", vars, dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info",
        "--file-flush-interval-msec", "50");
  }

  long stat(String name) throws Exception {
    return ConfigTemplate.stat(javoy, name);
  }

  long awaitStat(String name, long min) throws Exception {
    return ConfigTemplate.awaitStat(javoy, name, min);
  }

  @Override
  public void close() throws Exception {
    try {
      javoy.close();
    } finally {
      backendA.stop(0);
      h2Backend.close();
    }
  }
}
