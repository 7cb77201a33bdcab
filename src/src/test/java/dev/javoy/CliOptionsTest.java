package dev.javoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.server.ServerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's command line parsed by {@link CliOptions} (the hand-written parser that replaced picocli). */
class CliOptionsTest {
  @Test
  void defaultsAreEnvoys() throws Exception {
    CliOptions cli = CliOptions.parse(new String[0]);
    ServerOptions options = cli.toServerOptions();
    assertEquals(ServerOptions.Mode.SERVE, options.mode());
    assertEquals(Duration.ofSeconds(600), options.drainTime());
    assertEquals(ServerOptions.DrainStrategy.GRADUAL, options.drainStrategy());
    assertEquals("info", cli.logLevel);
    assertEquals("v4", cli.localAddressIpVersion);
    assertEquals(10000, cli.fileFlushIntervalMillis);
    assertEquals(64, cli.fileFlushMinSizeKb);
    assertEquals("auto", cli.transport);
    assertNull(cli.configPath);
    assertEquals(Runtime.getRuntime().availableProcessors(), options.concurrency());
  }

  @Test
  void everyValueSyntax() throws Exception {
    CliOptions cli = CliOptions.parse(new String[] {"-c", "a.yaml", "--config-yaml={x: 1}", "-lwarning",
        "--concurrency", "3", "--drain-time-s=45", "--disable-extensions", "a/b,c/d", "--disable-extensions=e/f",
        "--stats-tag", "k:v", "--stats-tag", "k2:v2", "--log-format-escaped", "--mode", "validate",
        "--max-obj-name-len", "189", "--base-id=5"});
    assertEquals("a.yaml", cli.configPath);
    assertEquals("{x: 1}", cli.configYaml);
    assertEquals("warning", cli.logLevel);
    assertEquals(3, cli.concurrency);
    assertEquals(45, cli.drainTimeSeconds);
    assertEquals(List.of("a/b", "c/d", "e/f"), cli.disableExtensions);
    assertEquals(List.of("k:v", "k2:v2"), cli.statsTags);
    assertTrue(cli.logFormatEscaped);
    assertEquals(189L, cli.maxObjNameLen);
    assertEquals(5, cli.baseId);
    assertEquals(ServerOptions.Mode.VALIDATE, cli.toServerOptions().mode());
    assertEquals("x.yaml", CliOptions.parse(new String[] {"-c=x.yaml"}).configPath);
    assertEquals("y.yaml", CliOptions.parse(new String[] {"--config-path", "y.yaml"}).configPath);
    assertTrue(CliOptions.parse(new String[] {"-h"}).helpRequested);
    assertTrue(CliOptions.parse(new String[] {"--version"}).versionRequested);
  }

  @Test
  void errorsSayWhatIsWrong() {
    assertEquals("Unknown option: '--no-such-flag'", error("--no-such-flag"));
    assertEquals("Unmatched argument at index 2: 'extra'", error("-c", "a.yaml", "extra"));
    assertEquals("Missing required parameter for option '--mode' (<mode>)", error("--mode"));
    assertEquals("option '--log-level' (<level>) should be specified only once", error("-l", "info", "-l", "debug"));
    assertEquals("option '--disable-hot-restart' should be specified only once",
        error("--disable-hot-restart", "--disable-hot-restart"));
    assertEquals("Invalid value for option '--concurrency': 'x' is not an int", error("--concurrency", "x"));
    assertEquals("option '--disable-hot-restart' takes no value (got '--disable-hot-restart=1')",
        error("--disable-hot-restart=1"));
  }

  @Test
  void helpListsEveryVisibleFlagOnce() {
    String help = CliOptions.usage();
    for (CliFlag flag : CliFlag.values()) {
      if (flag.description == null) {
        assertFalse(help.contains(flag.longName + "="), flag.longName + " is hidden");
        continue;
      }
      assertTrue(help.contains(flag.longName), help);
      assertEquals(flag, CliFlag.named(flag.longName));
      if (flag.shortName != null) {
        assertEquals(flag, CliFlag.named(flag.shortName));
      }
    }
    String words = help.replaceAll("\\s+", " ");
    assertTrue(words.contains("javoy has no hot restart: accepted and ignored."), help);
    assertTrue(words.contains("\"[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v\""), help);
  }

  @Test
  void everyFlagParses() throws Exception {
    for (CliFlag flag : CliFlag.values()) {
      String[] args = flag.takesValue() ? new String[] {flag.longName, "1"} : new String[] {flag.longName};
      CliOptions.parse(args);
    }
  }

  private static String error(String... args) {
    return assertThrows(CliOptions.ParseException.class, () -> CliOptions.parse(args)).getMessage();
  }
}
