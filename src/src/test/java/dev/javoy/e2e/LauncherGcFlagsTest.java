package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GC flags {@code bin/javoy} gives the JVM, as the JVM itself reports them ({@code -XX:+PrintFlagsFinal}):
 * Serial GC, an 8 MiB young generation (a young pause costs the same at any size and always lands in a burst of
 * requests, so the size decides how many requests wait for one; perf/results/2026-11-22-latency.md) and promotion
 * after one collection, with the old generation starting at 28 MiB. {@code JAVOY_JAVA_OPTS} comes last and wins.
 */
class LauncherGcFlagsTest {
  private static final Pattern FLAG = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+=\\s+(\\S+)", Pattern.MULTILINE);

  @TempDir
  Path tmp;

  @Test
  void launcherRunsSerialGcWithAnEightMebibyteYoungGenerationPromotingAfterOneCollection() throws Exception {
    Map<String, String> flags = finalFlags("");
    assertEquals("true", flags.get("UseSerialGC"), "UseSerialGC");
    assertEquals(String.valueOf(8L << 20), flags.get("NewSize"), "NewSize");
    assertEquals(String.valueOf(8L << 20), flags.get("MaxNewSize"), "MaxNewSize");
    assertEquals("1", flags.get("MaxTenuringThreshold"), "MaxTenuringThreshold");
    // the old generation starts at 28 MiB whatever the young generation's size: a full one costs a full GC
    assertEquals(28L << 20, Long.parseLong(flags.get("InitialHeapSize")) - Long.parseLong(flags.get("NewSize")),
        "InitialHeapSize - NewSize");
  }

  @Test
  void javoyJavaOptsOverrideTheYoungGeneration() throws Exception {
    Map<String, String> flags = finalFlags("-Xmn4m");
    assertEquals(String.valueOf(4L << 20), flags.get("NewSize"), "NewSize");
  }

  /** Runs bin/javoy with the JVM told to print its final flags and exit before running the jar. */
  private Map<String, String> finalFlags(String extraOpts) throws Exception {
    Path launcher = Path.of(System.getProperty("javoy.root", Path.of("").toAbsolutePath().getParent().toString()),
        "bin", "javoy");
    assertTrue(Files.isExecutable(launcher), "no executable " + launcher);
    // java reads the jar's manifest, then -version exits before anything in it runs
    Path jar = tmp.resolve("never-run.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // a manifest only
    }
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", launcher.toString(), "--version").redirectErrorStream(true);
    pb.environment().put("JAVOY_JAR", jar.toString());
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("JAVOY_CDS", "off");
    pb.environment().put("JAVOY_JAVA_OPTS", (extraOpts + " -XX:+PrintFlagsFinal -version").trim());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/javoy did not exit within 60 s");
    }
    assertEquals(0, p.exitValue(), out);
    Map<String, String> flags = new HashMap<>();
    Matcher m = FLAG.matcher(out);
    while (m.find()) {
      flags.put(m.group(1), m.group(2));
    }
    assertTrue(flags.containsKey("UseSerialGC"), out);
    return flags;
  }
}
