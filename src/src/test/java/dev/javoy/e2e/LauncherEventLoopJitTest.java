package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code bin/javoy}'s JIT flags, the worker event loop's own loop (Netty's {@code SingleThreadIoEventLoop.run},
 * entered once and compiled only on-stack) is compiled after a few thousand turns: with the launcher's C1
 * thresholds × 10 alone it needed 600,000 turns (one per epoll wake-up, ≈ 250/s at 1,000 req/s: never, in practice)
 * and ran interpreted (perf/results/2026-11-22-s5-fixedrate.md). javoy runs with the launcher's JVM flags (as
 * {@code JAVOY_LAUNCHER_DRY_RUN} prints them) and {@code -XX:+PrintCompilation}; sequential keep-alive requests,
 * each two or more loop turns, until the JVM reports the on-stack compilation. The rest of a loop turn (Netty's epoll
 * handler, task queues) is called once per turn too, and ran as profiled C1 code for minutes at 1,000 req/s
 * (perf/results/2026-11-22-s6-fixedrate.md): its C2 compilation must follow within the same requests.
 */
class LauncherEventLoopJitTest {
  private static final String OSR_LINE = "io.netty.channel.SingleThreadIoEventLoop::run @";
  /** PrintCompilation's line of a tier 4 (C2) compilation of the epoll handler's turn. */
  private static final Pattern EPOLL_RUN_C2 = Pattern.compile("\\s4\\s+io\\.netty\\.channel\\.epoll\\.EpollIoHandler::run \\(");

  @TempDir
  Path dir;

  @Test
  void workerEventLoopAndItsTurnAreCompiledWithinTenThousandRequests() throws Exception {
    List<String> jvmArgs = new ArrayList<>(launcherFlags());
    assertTrue(jvmArgs.stream().anyMatch(f -> f.startsWith("-XX:CompileCommand=CompileThresholdScaling,"
        + "io.netty.channel.SingleThreadIoEventLoop::run,")), jvmArgs.toString());
    assertTrue(jvmArgs.stream().anyMatch(f -> f.startsWith("-XX:CompileCommand=CompileThresholdScaling,"
        + "io.netty.channel.epoll.EpollIoHandler::*,")), jvmArgs.toString());
    // the test JVMs run C1 only (JavoyProcess); this one the full tiers, as bin/javoy does
    jvmArgs.addAll(List.of("-XX:TieredStopAtLevel=4", "-XX:+PrintCompilation"));
    HttpServer backend = TestBackends.http("A");
    int admin = JavoyProcess.freePort();
    int http = JavoyProcess.freePort();
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${HTTP}", Integer.toString(http))
        .replace("${A}", Integer.toString(backend.getAddress().getPort())));
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, jvmArgs, "-c", config.toString(), "--concurrency", "1",
        "-l", "warning");
        RawHttpClient client = new RawHttpClient(http)) {
      int sent = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!compiled(javoy.output()) && sent < 10_000 && System.nanoTime() < deadline) {
        for (int i = 0; i < 250; i++, sent++) {
          assertEquals(200, client.get("svc", "/n" + sent).status());
        }
      }
      for (int i = 0; i < 50 && !compiled(javoy.output()); i++) {
        Thread.sleep(100); // the compilation's line follows its request
      }
      assertTrue(javoy.output().contains(OSR_LINE), "no on-stack compilation of the event loop after " + sent
          + " requests");
      assertTrue(EPOLL_RUN_C2.matcher(javoy.output()).find(), "no C2 compilation of EpollIoHandler.run after "
          + sent + " requests");
    } finally {
      backend.stop(0);
    }
  }

  private static boolean compiled(String output) {
    return output.contains(OSR_LINE) && EPOLL_RUN_C2.matcher(output).find();
  }

  /** The JVM flags bin/javoy would give java (without the CDS/AOT flags, which need a real jar). */
  private List<String> launcherFlags() throws Exception {
    Path launcher = Path.of(System.getProperty("javoy.root", Path.of("").toAbsolutePath().getParent().toString()),
        "bin", "javoy");
    assertTrue(Files.isExecutable(launcher), "no executable " + launcher);
    Path jar = dir.resolve("never-run.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // a manifest only: the dry run reads no class
    }
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", launcher.toString()).redirectErrorStream(true);
    pb.environment().put("JAVOY_JAR", jar.toString());
    pb.environment().put("JAVA", JavoyProcess.javaBin());
    pb.environment().put("JAVOY_LAUNCHER_DRY_RUN", "1");
    pb.environment().remove("JAVOY_JAVA_OPTS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/javoy dry run did not exit");
    assertEquals(0, p.exitValue(), out);
    List<String> words = Arrays.asList(out.split("\\s+"));
    return words.subList(1, words.size()); // the java binary first
  }

  private static final String CONFIG = """
      admin:
        address: { socket_address: { address: 127.0.0.1, port_value: ${ADMIN} } }
      static_resources:
        listeners:
        - name: http
          address: { socket_address: { address: 127.0.0.1, port_value: ${HTTP} } }
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress_http
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: { prefix: "/" }
                      route: { cluster: a }
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: a
          type: STATIC
          connect_timeout: 5s
          load_assignment:
            cluster_name: a
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${A} } } }
      """;
}
