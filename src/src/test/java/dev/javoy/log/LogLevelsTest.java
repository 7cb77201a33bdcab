package dev.javoy.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.log.ApplicationLogFormat;
import dev.javoy.proxy.log.LogLevels;
import dev.javoy.proxy.log.SpdlogFormatter;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig.LogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -l, --component-log-level, --log-path and application_log_config. */
class LogLevelsTest {
  @Test
  void envoyLevelNames() {
    assertEquals(LogLevels.TRACE, LogLevels.parseLevel("trace"));
    assertEquals(LogLevels.WARNING, LogLevels.parseLevel("warn"));
    assertEquals(LogLevels.WARNING, LogLevels.parseLevel("warning"));
    assertEquals(LogLevels.CRITICAL, LogLevels.parseLevel("critical"));
    assertEquals(LogLevels.OFF, LogLevels.parseLevel("off"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogLevels.parseLevel("loud"));
    assertTrue(e.getMessage().startsWith("invalid log level specified 'loud'"), e.getMessage());
    for (String name : new String[] {"trace", "debug", "info", "warning", "error", "critical", "off"}) {
      assertEquals(name, LogLevels.envoyName(LogLevels.parseLevel(name)));
    }
  }

  @Test
  void componentLevels() {
    Map<String, Level> levels = LogLevels.parseComponentLevels("upstream:debug,connection:trace,misc:error");
    assertEquals(Map.of("upstream", LogLevels.DEBUG, "connection", LogLevels.TRACE, "misc", LogLevels.ERROR),
        levels);
    assertThrows(IllegalArgumentException.class, () -> LogLevels.parseComponentLevels("upstream"));
    assertThrows(IllegalArgumentException.class, () -> LogLevels.parseComponentLevels("upstream:loud"));
    assertThrows(IllegalArgumentException.class, () -> LogLevels.parseComponentLevels("a:b:c"));
  }

  @Test
  void setLevelsPerComponentAndForAll() {
    LogLevels.setAllLevels(LogLevels.INFO);
    LogLevels.setLevel("upstream", LogLevels.DEBUG);
    assertEquals("debug", LogLevels.levels().get("upstream"));
    assertEquals("info", LogLevels.levels().get("http"));
    assertTrue(Logger.getLogger("javoy.upstream").isLoggable(Level.FINE));
    assertTrue(!Logger.getLogger("javoy.http").isLoggable(Level.FINE));
    LogLevels.setAllLevels(LogLevels.WARNING);
    assertEquals("warning", LogLevels.levels().get("upstream"));
    LogLevels.setAllLevels(LogLevels.INFO);
  }

  @Test
  void logPathReceivesTheLinesAndCanBeReopened(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("javoy.log");
    LogLevels.install(LogLevels.INFO, Map.of("config", LogLevels.DEBUG), new SpdlogFormatter("%l %n %v", false), log);
    try {
      Logger.getLogger("javoy.config").fine("first");
      Logger.getLogger("javoy.http").fine("hidden");
      Files.move(log, dir.resolve("javoy.log.1"));
      LogLevels.reopen();
      Logger.getLogger("javoy.main").warning("second");
      assertEquals("debug config first" + System.lineSeparator(), Files.readString(dir.resolve("javoy.log.1")));
      assertEquals("warning main second" + System.lineSeparator(), Files.readString(log));
    } finally {
      LogLevels.install(LogLevels.INFO, Map.of(), new SpdlogFormatter(SpdlogFormatter.DEFAULT_FORMAT, false), null);
    }
  }

  @Test
  void applicationLogConfigFormats() throws Exception {
    Bootstrap text = Bootstrap.newBuilder().setApplicationLogConfig(ApplicationLogConfig.newBuilder()
        .setLogFormat(LogFormat.newBuilder().setTextFormat("%l %v"))).build();
    assertEquals("%l %v", ApplicationLogFormat.choose(null, text));
    assertEquals("%v!", ApplicationLogFormat.choose("%v!", Bootstrap.getDefaultInstance()));
    assertEquals(SpdlogFormatter.DEFAULT_FORMAT, ApplicationLogFormat.choose(null, Bootstrap.getDefaultInstance()));
    ConfigException both = assertThrows(ConfigException.class, () -> ApplicationLogFormat.choose("%v", text));
    assertEquals("application_log_config.log_format", both.path());

    Struct json = Struct.newBuilder()
        .putFields("Level", Value.newBuilder().setStringValue("%l").build())
        .putFields("Message", Value.newBuilder().setStringValue("%j").build()).build();
    assertEquals("{\"Level\":\"%l\",\"Message\":\"%j\"}",
        ApplicationLogFormat.pattern(LogFormat.newBuilder().setJsonFormat(json).build()));
    Struct withV = json.toBuilder().putFields("Raw", Value.newBuilder().setStringValue("%v").build()).build();
    ConfigException v = assertThrows(ConfigException.class,
        () -> ApplicationLogFormat.pattern(LogFormat.newBuilder().setJsonFormat(withV).build()));
    assertEquals("application_log_config.log_format.json_format", v.path());
  }
}
