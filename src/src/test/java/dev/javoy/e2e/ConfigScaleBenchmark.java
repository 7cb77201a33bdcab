package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Config-scale benchmark (not a test: runs only when named, see perf/config-scale/README.md). java-control-plane
 * serves Istio-sized config over ADS (state of the world): {@code clusters} EDS clusters of {@code endpoints}
 * endpoints each, {@code listeners} outbound listeners ({@code bind_to_port: false}, HCM over RDS, each route
 * configuration {@code vhosts} virtual hosts naming clusters). javoy runs as its own process pinned with taskset.
 * Measured: (a) cold start, exec until every type is ACKed at version 1 and {@code /ready} answers 200;
 * (b) an update changing every cluster's endpoints and every route configuration, until every type is ACKed at
 * version 2 (javoy ACKs after applying); (c) heap used and RSS after a full GC ({@code jcmd GC.run}) for an empty
 * config, clusters only, and clusters plus listeners: bytes per cluster and per listener. Writes
 * {@code perf/results/<date>-config-scale.md}.
 */
class ConfigScaleBenchmark {
  private static final int CLUSTERS = Integer.getInteger("javoy.configscale.clusters", 10_000);
  private static final int ENDPOINTS = Integer.getInteger("javoy.configscale.endpoints", 3);
  private static final int LISTENERS = Integer.getInteger("javoy.configscale.listeners", 1_000);
  private static final int VHOSTS = Integer.getInteger("javoy.configscale.vhosts", 4);
  private static final int ROUNDS = Integer.getInteger("javoy.configscale.rounds", 3);
  private static final String CPU = System.getProperty("javoy.configscale.cpu", "1");
  private static final String HEAP = System.getProperty("javoy.configscale.heap", "2g");
  private static final boolean JFR = Boolean.getBoolean("javoy.configscale.jfr");
  private static final long TIMEOUT_S = Long.getLong("javoy.configscale.timeout", 300);
  private static final List<String> TYPES = List.of(Resources.V3.CLUSTER_TYPE_URL, Resources.V3.ENDPOINT_TYPE_URL,
      Resources.V3.LISTENER_TYPE_URL, Resources.V3.ROUTE_TYPE_URL);

  /** The moment each type was ACKed at each version, in System.nanoTime. */
  private ControlPlane cp;

  @Test
  void configScale() throws Exception {
    Path root = root();
    Path work = Files.createTempDirectory("javoy-configscale");
    cp = ControlPlane.tcp();
    int cpPort = cp.port();
    StringBuilder report = new StringBuilder();
    try {
      long t = System.nanoTime();
      Snapshot full1 = snapshot("1", CLUSTERS, LISTENERS, 0);
      Snapshot full2 = snapshot("2", CLUSTERS, LISTENERS, 1);
      Snapshot clustersOnly = snapshot("1", CLUSTERS, 0, 0);
      Snapshot empty = snapshot("1", 0, 0, 0);
      long buildMs = (System.nanoTime() - t) / 1_000_000;
      long bytes = 0;
      for (var type : List.of(full1.clusters(), full1.endpoints(), full1.listeners(), full1.routes())) {
        for (var m : type.resources().values()) {
          bytes += ((com.google.protobuf.Message) m).getSerializedSize();
        }
      }

      Map<String, Memory> memory = new LinkedHashMap<>();
      memory.put("empty", measureMemory(empty, cpPort, work, "empty"));
      memory.put("clusters", measureMemory(clustersOnly, cpPort, work, "clusters"));

      List<long[]> rounds = new ArrayList<>();
      Map<String, Long> cpuSplit = Map.of();
      Map<String, Long> updateSplit = Map.of();
      StringBuilder timeline = new StringBuilder();
      Memory fullMemory = null;
      for (int round = 0; round < ROUNDS; round++) {
        cp.clearRecordings();
        cp.set(full1);
        long[] r = new long[4];
        try (Javoy javoy = Javoy.start(work, cpPort, "full-" + round)) {
          r[0] = awaitAcked("1", javoy) - javoy.started;
          long live = javoy.awaitReady() - javoy.started;
          r[0] = Math.max(r[0], live);
          if (round == 0) {
            timeline.append("Cold start timeline (round 1, ms after exec): /ready 200 at ").append(live / 1_000_000);
            for (String type : TYPES) {
              String shortName = type.substring(type.lastIndexOf('.') + 1);
              Long first = cp.firstRequestAt(type);
              Long ack = cp.ackedAt(type, "1");
              timeline.append("; ").append(shortName).append(" first request ")
                  .append(first == null ? "-" : Long.toString((first - javoy.started) / 1_000_000))
                  .append(", ACK ").append(ack == null ? "-" : Long.toString((ack - javoy.started) / 1_000_000));
            }
            timeline.append(".\n\n");
          }
          r[2] = javoy.cpuNanos();
          if (round == 0) {
            cpuSplit = javoy.cpuByThreadKind();
          }
          if (fullMemory == null) {
            fullMemory = javoy.memory();
          }
          long cpu1 = javoy.cpuNanos();
          Map<String, Long> threads1 = round == 0 ? javoy.cpuByThreadKind() : null;
          long t1 = System.nanoTime();
          cp.set(full2);
          r[1] = awaitAcked("2", javoy) - t1;
          r[3] = javoy.cpuNanos() - cpu1;
          if (round == 0) {
            Map<String, Long> threads2 = javoy.cpuByThreadKind();
            updateSplit = new LinkedHashMap<>();
            for (var e : threads2.entrySet()) {
              updateSplit.put(e.getKey(), e.getValue() - threads1.getOrDefault(e.getKey(), 0L));
            }
          }
          String clusters = javoy.admin("/clusters");
          assertTrue(clusters.contains(":8081::"), "the update's endpoints are applied");
          cp.set(full1); // back, so that the next round starts at version 1 again
          awaitAcked("1", javoy);
        }
        rounds.add(r);
      }
      memory.put("full", fullMemory);

      report.append("# Config-scale benchmark ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
      report.append("Command: `perf/config-scale/run.sh` (").append(ROUNDS).append(" rounds). java-control-plane ")
          .append("(V3DiscoveryServer, SimpleCache, ADS state of the world over TCP) in the benchmark JVM; javoy ")
          .append("as its own process `taskset -c ").append(CPU).append(" java -Xmx").append(HEAP)
          .append(" -XX:+UseSerialGC ... --concurrency 1`.\n\n");
      report.append("Config: ").append(CLUSTERS).append(" EDS clusters × ").append(ENDPOINTS)
          .append(" endpoints, ").append(LISTENERS).append(" outbound listeners (`bind_to_port: false`, HCM over ")
          .append("RDS) with ").append(LISTENERS).append(" route configurations × ").append(VHOSTS)
          .append(" virtual hosts; ").append(bytes / 1024).append(" KiB of serialized resources (built in ")
          .append(buildMs).append(" ms).\n\n");
      report.append("Wall times are under whatever else the machine runs (load average ")
          .append(String.format("%.1f", loadAverage())).append(" on ")
          .append(Runtime.getRuntime().availableProcessors()).append(" CPUs at the end of this run); javoy's CPU ")
          .append("time (utime+stime of all its threads, /proc/<pid>/stat) is the figure that load does not ")
          .append("inflate.\n\n");
      report.append("| round | cold start: exec → all ACKed + LIVE, wall ms | javoy CPU ms | update: all EDS + ")
          .append("all routes changed → all ACKed, wall ms | javoy CPU ms |\n|---:|---:|---:|---:|---:|\n");
      for (int i = 0; i < rounds.size(); i++) {
        long[] x = rounds.get(i);
        report.append("| ").append(i + 1).append(" | ").append(x[0] / 1_000_000).append(" | ")
            .append(x[2] / 1_000_000).append(" | ").append(x[1] / 1_000_000).append(" | ")
            .append(x[3] / 1_000_000).append(" |\n");
      }
      report.append("| median | ").append(median(rounds, 0) / 1_000_000).append(" | ")
          .append(median(rounds, 2) / 1_000_000).append(" | ").append(median(rounds, 1) / 1_000_000)
          .append(" | ").append(median(rounds, 3) / 1_000_000).append(" |\n\n");
      report.append(timeline);
      report.append("| config | heap used after GC, MiB | RSS after GC, MiB |\n|---|---:|---:|\n");
      memory.forEach((k, m) -> report.append("| ").append(k).append(" | ")
          .append(String.format("%.1f", m.heap / 1048576.0)).append(" | ")
          .append(String.format("%.1f", m.rss / 1048576.0)).append(" |\n"));
      Memory e = memory.get("empty");
      Memory c = memory.get("clusters");
      Memory f = memory.get("full");
      report.append("\nPer cluster (").append(ENDPOINTS).append(" endpoints): ")
          .append((c.heap - e.heap) / Math.max(1, CLUSTERS)).append(" B heap, ")
          .append((c.rss - e.rss) / Math.max(1, CLUSTERS)).append(" B RSS. Per listener with its route ")
          .append("configuration: ").append((f.heap - c.heap) / Math.max(1, LISTENERS)).append(" B heap, ")
          .append((f.rss - c.rss) / Math.max(1, LISTENERS)).append(" B RSS.\n");
      report.append("\nCold start CPU of round 1 by javoy thread (ms): ").append(cpuSplit).append(".\n");
      report.append("\nUpdate CPU of round 1 by javoy thread (ms): ").append(updateSplit).append(".\n");
      report.append(inProcessTimings(work.resolve("full-0.log")));
      if (!cp.nacks().isEmpty()) {
        report.append("\nNACKs: ").append(cp.nacks()).append('\n');
      }
      System.out.println(report);
      Path out = root.resolve("perf/results/" + System.getProperty("javoy.configscale.out",
          LocalDate.now(ZoneOffset.UTC) + "-config-scale.md"));
      Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
      System.out.println("wrote " + out);
    } finally {
      cp.close();
    }
  }

  /**
   * javoy's own account of each xDS response of round 1 (its {@code config} log at info): resources, time spent
   * decoding and applying, in its process; wall time under the machine's load, but without start-up and transport.
   */
  private static String inProcessTimings(Path log) throws java.io.IOException {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(
        "xDS (\\w+) version (\\S+): (\\d+) resources, decode (\\d+) ms, apply (\\d+) ms");
    StringBuilder sb = new StringBuilder("\nIn javoy, per xDS response of round 1 (javoy's `config` log: decoding the ")
        .append("resources, then applying them; wall ms on the pinned CPU):\n\n| type | version | resources | ")
        .append("decode ms | apply ms |\n|---|---:|---:|---:|---:|\n");
    int n = 0;
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      java.util.regex.Matcher m = p.matcher(line);
      if (m.find() && !m.group(3).equals("0")) {
        sb.append("| ").append(m.group(1)).append(" | ").append(m.group(2)).append(" | ").append(m.group(3))
            .append(" | ").append(m.group(4)).append(" | ").append(m.group(5)).append(" |\n");
        n++;
      }
    }
    return n == 0 ? "" : sb.toString();
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static long median(List<long[]> rounds, int i) {
    long[] v = rounds.stream().mapToLong(r -> r[i]).sorted().toArray();
    return v[v.length / 2];
  }

  private Memory measureMemory(Snapshot snapshot, int cpPort, Path work, String name) throws Exception {
    cp.clearRecordings();
    cp.set(snapshot);
    try (Javoy javoy = Javoy.start(work, cpPort, name)) {
      javoy.awaitReady();
      if (!snapshot.clusters().resources().isEmpty()) {
        awaitAcked("1", javoy);
      }
      return javoy.memory();
    }
  }

  /** Waits until every type with resources in the snapshot is ACKed at {@code version}; returns when. */
  private long awaitAcked(String version, Javoy javoy) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (System.nanoTime() < deadline) {
      long latest = 0;
      boolean all = true;
      for (String type : TYPES) {
        if (type.equals(Resources.V3.LISTENER_TYPE_URL) || type.equals(Resources.V3.ROUTE_TYPE_URL)) {
          if (LISTENERS == 0 && !javoy.name.startsWith("full")) {
            continue;
          }
        }
        if (javoy.name.equals("clusters") && (type.equals(Resources.V3.LISTENER_TYPE_URL)
            || type.equals(Resources.V3.ROUTE_TYPE_URL))) {
          continue;
        }
        Long at = cp.ackedAt(type, version);
        if (at == null) {
          all = false;
          break;
        }
        latest = Math.max(latest, at);
      }
      if (all) {
        return latest;
      }
      if (!javoy.process.isAlive()) {
        throw new AssertionError("javoy exited:\n" + javoy.tail());
      }
      Thread.sleep(5);
    }
    throw new AssertionError("not ACKed at " + version + " in " + TIMEOUT_S + " s; acks " + cp.acks()
        + ", nacks " + cp.nacks() + "\n" + javoy.tail());
  }

  private static Path root() {
    String root = System.getProperty("javoy.root");
    return root != null ? Path.of(root) : Path.of(System.getProperty("user.dir")).getParent();
  }

  record Memory(long heap, long rss) {}

  /** javoy pinned to one CPU, bootstrap with ADS to the control plane. */
  static final class Javoy implements AutoCloseable {
    final Process process;
    final long started;
    final int admin;
    final Path log;
    final String name;

    private Javoy(Process process, long started, int admin, Path log, String name) {
      this.process = process;
      this.started = started;
      this.admin = admin;
      this.log = log;
      this.name = name;
    }

    static Javoy start(Path work, int cpPort, String name) throws Exception {
      int admin = JavoyProcess.freePort();
      Path config = work.resolve(name + ".yaml");
      Files.writeString(config, ControlPlane.adsBootstrap(
          "{id: sidecar~10.0.0.1~bench.default~default.svc.cluster.local, cluster: bench.default}", admin, "GRPC",
          true, ControlPlane.tcpClusterYaml("xds-grpc", cpPort)));
      List<String> cmd = new ArrayList<>(List.of("taskset", "-c", CPU, JavoyProcess.javaBin(), "-Xmx" + HEAP,
          "-XX:+UseSerialGC"));
      if (JFR) {
        cmd.add("-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr") + ",settings=profile");
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.javoy.Main", "-c", config.toString(),
          "--concurrency", "1", "-l", "warning", "--component-log-level", "config:info"));
      Path log = work.resolve(name + ".log");
      long t = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new Javoy(p, t, admin, log, name);
    }

    /** Polls /ready; returns when it first answered 200. */
    long awaitReady() throws Exception {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("javoy exited:\n" + tail());
        }
        try {
          var r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return System.nanoTime();
          }
        } catch (java.io.IOException e) {
          // not yet
        }
        Thread.sleep(10);
      }
      throw new AssertionError("not ready in " + TIMEOUT_S + " s\n" + tail());
    }

    /** CPU time of the process so far (all threads, user + system), from /proc/<pid>/stat at 100 ticks/s. */
    /**
     * CPU ms of javoy's threads by name (/proc/<pid>/task/<tid>/stat, digits dropped so that thread pools add
     * up), the largest first: the JIT compilers ({@code C2 CompilerThre}), the VM thread (where the serial
     * collector runs), javoy's main loop, ...
     */
    Map<String, Long> cpuByThreadKind() throws Exception {
      Map<String, Long> byName = new java.util.HashMap<>();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"));
          } catch (java.io.IOException gone) {
            continue;
          }
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          byName.merge(comm, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
        }
      }
      Map<String, Long> out = new LinkedHashMap<>();
      byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
          .forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }

    long cpuNanos() throws Exception {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    String admin(String path) throws Exception {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Heap used and RSS after two full GCs. */
    Memory memory() throws Exception {
      String pid = Long.toString(process.pid());
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      NetworkNamespace.run(jcmd, pid, "GC.run");
      Thread.sleep(300);
      NetworkNamespace.run(jcmd, pid, "GC.run");
      Thread.sleep(300);
      String info = NetworkNamespace.run(jcmd, pid, "GC.heap_info").output();
      long heap = 0;
      // "def new generation   total 4928K, used 0K" / "tenured generation   total 10944K, used 1234K"
      var m = java.util.regex.Pattern.compile("(?m)generation\\s+total \\d+K, used (\\d+)K").matcher(info);
      while (m.find()) {
        heap += Long.parseLong(m.group(1)) * 1024;
      }
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      if (heap == 0) {
        throw new AssertionError("cannot read the heap from:\n" + info);
      }
      return new Memory(heap, rss);
    }

    String tail() throws Exception {
      String s = Files.readString(log);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static String clusterName(int i) {
    return "outbound|8080||svc-" + i + ".ns-" + (i % 50) + ".svc.cluster.local";
  }

  /** {@code variant} 1 moves every endpoint to port 8081 and adds a route to every route configuration. */
  static Snapshot snapshot(String version, int clusters, int listeners, int variant) {
    ConfigSource ads = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3).build();
    List<Cluster> cs = new ArrayList<>(clusters);
    List<ClusterLoadAssignment> las = new ArrayList<>(clusters);
    for (int i = 0; i < clusters; i++) {
      String name = clusterName(i);
      cs.add(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
          .setConnectTimeout(Durations.fromSeconds(10)).setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
          .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads).setServiceName(name))
          .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
              .setMaxConnections(UInt32Value.of(Integer.MAX_VALUE))
              .setMaxRequests(UInt32Value.of(Integer.MAX_VALUE))
              .setMaxPendingRequests(UInt32Value.of(Integer.MAX_VALUE))
              .setMaxRetries(UInt32Value.of(Integer.MAX_VALUE))))
          .build());
      LocalityLbEndpoints.Builder loc = LocalityLbEndpoints.newBuilder()
          .setLocality(Locality.newBuilder().setRegion("r1").setZone("z" + (i % 3)));
      for (int e = 0; e < ENDPOINTS; e++) {
        loc.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder()
                    .setAddress("10." + ((i >> 8) & 255) + "." + (i & 255) + "." + (e + 1))
                    .setPortValue(8080 + variant))))
            .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", com.google.protobuf.Struct.newBuilder()
                .putFields("workload", com.google.protobuf.Value.newBuilder()
                    .setStringValue("svc-" + i + ";ns-" + (i % 50) + ";svc-" + i + ";v1;Kubernetes").build())
                .build())));
      }
      las.add(ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(loc).build());
    }
    List<Listener> ls = new ArrayList<>(listeners);
    List<RouteConfiguration> rs = new ArrayList<>(listeners);
    for (int j = 0; j < listeners; j++) {
      int port = 20000 + j;
      String routeName = Integer.toString(port);
      HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("outbound_0.0.0.0_" + port)
          .setRds(Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(ads))
          .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
              .setTypedConfig(com.google.protobuf.Any.pack(Router.getDefaultInstance())))
          .build();
      ls.add(Listener.newBuilder().setName("0.0.0.0_" + port)
          .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0")
              .setPortValue(port)))
          .setBindToPort(com.google.protobuf.BoolValue.of(false))
          .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
              .setName("envoy.filters.network.http_connection_manager")
              .setTypedConfig(com.google.protobuf.Any.pack(hcm))))
          .build());
      RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(routeName)
          .setValidateClusters(com.google.protobuf.BoolValue.of(false));
      for (int v = 0; v < VHOSTS; v++) {
        int c = clusters == 0 ? 0 : (j * VHOSTS + v) % clusters;
        String host = "svc-" + c + ".ns-" + (c % 50) + ".svc.cluster.local";
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(host + ":" + port)
            .addDomains(host).addDomains(host + ":" + port).addDomains("svc-" + c)
            .addDomains("svc-" + c + ".ns-" + (c % 50));
        if (variant == 1) {
          vh.addRoutes(Route.newBuilder().setName("canary").setMatch(RouteMatch.newBuilder().setPrefix("/canary"))
              .setRoute(RouteAction.newBuilder().setCluster(clusterName(c))
                  .setTimeout(Durations.fromSeconds(5))));
        }
        vh.addRoutes(Route.newBuilder().setName("default").setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(clusterName(c)).setTimeout(Durations.fromSeconds(0))));
        rc.addVirtualHosts(vh);
      }
      rs.add(rc.build());
    }
    return Snapshot.create(cs, las, ls, rs, List.of(), version);
  }
}
