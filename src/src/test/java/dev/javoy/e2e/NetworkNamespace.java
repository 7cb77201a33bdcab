package dev.javoy.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace for tests that need their own loopback addresses and iptables rules ({@code ip netns
 * add}), with commands run inside it ({@code ip netns exec}); deleted on close. Processes started in it must be
 * stopped by the caller before.
 */
final class NetworkNamespace implements AutoCloseable {
  /** A finished command. */
  record Result(int exit, String output) {}

  private final String name;

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** Creates a namespace with its loopback up; null with {@code why[0]} set when this machine cannot. */
  static NetworkNamespace create(String prefix, String[] why) throws Exception {
    String name = prefix + "-" + ProcessHandle.current().pid();
    run("ip", "netns", "del", name); // a leftover of an earlier run
    Result r = run("ip", "netns", "add", name);
    if (r.exit() != 0) {
      why[0] = "cannot create a network namespace (ip netns add): " + r.output().trim();
      return null;
    }
    NetworkNamespace ns = new NetworkNamespace(name);
    Result up = ns.exec("ip", "link", "set", "lo", "up");
    if (up.exit() != 0) {
      ns.close();
      why[0] = "cannot bring up loopback in the namespace: " + up.output().trim();
      return null;
    }
    return ns;
  }

  String name() {
    return name;
  }

  /** Runs a command inside the namespace and waits for it. */
  Result exec(String... cmd) throws Exception {
    return run(inside(cmd).toArray(String[]::new));
  }

  /** Starts a long-running command inside the namespace, its output going to {@code log}. */
  Process start(Path log, String... cmd) throws Exception {
    return new ProcessBuilder(inside(cmd)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private List<String> inside(String... cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
    all.addAll(List.of(cmd));
    return all;
  }

  static Result run(String... cmd) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      return new Result(127, e.getMessage());
    }
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(124, "timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    run("ip", "netns", "del", name);
  }
}
