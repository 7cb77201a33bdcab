package dev.javoy.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.javoy.proxy.tls.TestPki;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Two javoy sidecars of an Istio-style mesh, each its own process: a "server" sidecar in front of the workloads and a
 * "client" sidecar originating mTLS to it, from the bootstrap templates {@code <template>server.yaml} and
 * {@code <template>client.yaml}. Prepared with a test PKI in {@code dir} (CA {@code ca}, certificates {@code server}
 * and {@code client} with {@link #SERVER_ID} and {@link #CLIENT_ID}), an HTTP backend and a TCP echo server; the
 * templates' placeholders: {@code DIR}, {@code BACKEND}, {@code ECHO}, {@code ADMIN} (each sidecar's) and what the
 * test adds with {@link #freePort} and {@link #set}.
 */
final class MeshSidecars implements AutoCloseable {
  static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";
  static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";

  final Path dir;
  final HttpServer backend;
  final ServerSocket echo;
  private final Map<String, String> vars = new HashMap<>();
  JavoyProcess server;
  JavoyProcess client;

  MeshSidecars(Path dir) throws Exception {
    this.dir = dir;
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server", "URI:" + SERVER_ID);
    pki.issue("client", "client", "URI:" + CLIENT_ID);
    backend = TestBackends.http("backend");
    echo = TestBackends.echo();
    vars.put("DIR", dir.toString());
    vars.put("BACKEND", Integer.toString(backend.getAddress().getPort()));
    vars.put("ECHO", Integer.toString(echo.getLocalPort()));
  }

  /** A free port, also the value of placeholder {@code name}. */
  int freePort(String name) throws Exception {
    int port = JavoyProcess.freePort();
    set(name, Integer.toString(port));
    return port;
  }

  void set(String name, String value) {
    vars.put(name, value);
  }

  /** Starts the server sidecar, then the client sidecar, from {@code <template>server.yaml}, {@code ...client.yaml}. */
  void start(String template) throws Exception {
    server = startSidecar(template, "server");
    client = startSidecar(template, "client");
  }

  private JavoyProcess startSidecar(String template, String role) throws Exception {
    Path home = Files.createDirectories(dir.resolve(role));
    int admin = JavoyProcess.freePort();
    Map<String, String> roleVars = new HashMap<>(vars);
    roleVars.put("ADMIN", Integer.toString(admin));
    Path config = ConfigTemplate.render(template + role + ".yaml", roleVars, home);
    return JavoyProcess.start(home, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info",
        "--file-flush-interval-msec", "50");
  }

  /** A stat whose name has characters a query cannot carry (such as {@code |}), from all of {@code /stats}; 0 when absent. */
  static long stat(JavoyProcess javoy, String name) throws Exception {
    for (String line : javoy.admin("/stats").split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return 0;
  }

  /** The access log {@code dir/<name>} once it contains {@code needle} (15 s at most; then as it is). */
  String awaitLog(String name, String needle) throws Exception {
    return AccessLogFile.await(dir.resolve(name), needle, 15_000);
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    backend.stop(0);
    echo.close();
  }
}
