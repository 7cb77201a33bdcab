package dev.javoy.e2e;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A bootstrap from a test resource or text with its {@code ${NAME}} placeholders filled in, and stats read back. */
final class ConfigTemplate {
  private ConfigTemplate() {}

  static Path render(String resource, Map<String, String> vars, Path dir) throws Exception {
    String yaml;
    try (InputStream in = ConfigTemplate.class.getResourceAsStream(resource)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return write(yaml, vars, dir);
  }

  /** {@code dir/envoy.yaml} from the bootstrap text {@code yaml} with its {@code ${NAME}} placeholders filled in. */
  static Path write(String yaml, Map<String, String> vars, Path dir) throws Exception {
    for (var e : vars.entrySet()) {
      yaml = yaml.replace("${" + e.getKey() + "}", e.getValue());
    }
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /** A counter or gauge from {@code /stats}; 0 when javoy has not created it. */
  static long stat(JavoyProcess javoy, String name) throws Exception {
    for (String line : javoy.admin("/stats?filter=" + name).split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return 0;
  }

  /** Waits up to 5 s for a stat to reach at least {@code min}; returns its last value. */
  static long awaitStat(JavoyProcess javoy, String name, long min) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    long v = stat(javoy, name);
    while (v < min && System.nanoTime() < deadline) {
      Thread.sleep(50);
      v = stat(javoy, name);
    }
    return v;
  }
}
