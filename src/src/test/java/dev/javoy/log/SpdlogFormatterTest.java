package dev.javoy.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.log.LogLevels;
import dev.javoy.proxy.log.SpdlogFormatter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Envoy's spdlog-style log formats on java.util.logging records. */
class SpdlogFormatterTest {
  static final Instant WHEN = Instant.parse("2024-03-05T07:08:09.123456789Z");
  static final String EOL = System.lineSeparator();

  static LogRecord record(Level level, String logger, String message) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger);
    r.setInstant(WHEN);
    r.setLongThreadID(42);
    return r;
  }

  static String format(String pattern, LogRecord r) {
    return new SpdlogFormatter(pattern, false, ZoneOffset.UTC).format(r);
  }

  /** Logs through a real JUL logger so the source location is the caller's. */
  static String logThrough(String pattern, String message) {
    List<String> lines = new ArrayList<>();
    SpdlogFormatter formatter = new SpdlogFormatter(pattern, false, ZoneOffset.UTC);
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        lines.add(formatter.format(r));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("javoy.formatter_test");
    logger.setUseParentHandlers(false);
    logger.addHandler(capture);
    try {
      logger.info(message);
    } finally {
      logger.removeHandler(capture);
    }
    return lines.get(0);
  }

  @Test
  void envoyDefaultFormat() {
    String line = logThrough(SpdlogFormatter.DEFAULT_FORMAT, "hello");
    assertTrue(line.matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}]\\[\\d+]\\[info]\\[formatter_test] "
        + "\\[dev/javoy/log/SpdlogFormatterTest\\.java:\\d+] hello" + EOL), line);
  }

  @Test
  void istioApplicationLogFormat() {
    String istio = "%Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t";
    assertEquals("2024-03-05T07:08:09.123456Z\tinfo\tenvoy upstream dev/javoy/log/SpdlogFormatterTest.java:"
        + lineOf(istio) + "\thello\tthread=42" + EOL, format(istio, record(Level.INFO, "javoy.upstream", "hello")));
  }

  /** Records formatted directly are located where {@link #format} calls the formatter. */
  private static String lineOf(String pattern) {
    return format("%#", record(Level.INFO, "javoy.x", "")).strip();
  }

  @Test
  void levelsAndTimeFlags() {
    LogRecord r = record(LogLevels.CRITICAL, "javoy.main", "m");
    assertEquals("critical C 2024 24 03 05 07 07 08 09 123 123456 123456789 AM 07:08 07:08:09 03/05/24 Tue Mar % main"
        + EOL, format("%l %L %Y %C %m %d %H %I %M %S %e %f %F %p %R %T %D %a %b %% %n", r));
    assertEquals("trace debug debug info warning error off" + EOL,
        format("%l", record(Level.FINEST, "a", "")).strip() + " " + format("%l", record(Level.FINE, "a", "")).strip()
            + " " + format("%l", record(Level.CONFIG, "a", "")).strip() + " "
            + format("%l", record(Level.INFO, "a", "")).strip() + " "
            + format("%l", record(Level.WARNING, "a", "")).strip() + " "
            + format("%l", record(Level.SEVERE, "a", "")).strip() + " "
            + format("%l", record(Level.OFF, "a", "")).strip() + EOL);
  }

  @Test
  void messageEscapes() {
    LogRecord r = record(Level.INFO, "javoy.http", "say \"hi\"\nbye\\");
    assertEquals("say \\\"hi\\\"\\nbye\\\\" + EOL, format("%j", r));
    assertEquals("say \"hi\"\\nbye\\" + EOL, format("%_", r));
    assertEquals("{\"msg\":\"say \\\"hi\\\"\\nbye\\\\\"}" + EOL, format("{\"msg\":\"%j\"}", r));
  }

  @Test
  void escapedLinesKeepTheirEnd() {
    String line = new SpdlogFormatter("%v", true, ZoneOffset.UTC).format(record(Level.INFO, "a", "a\nb\t'c'\u0001"));
    assertEquals("a\\nb\\t\\'c\\'\\001" + EOL, line);
  }

  @Test
  void paddingAndTruncation() {
    LogRecord r = record(Level.INFO, "javoy.main", "m");
    assertEquals("[info    ][    info][  info  ][inf]" + EOL, format("[%-8l][%8l][%=8l][%3!l]", r));
  }

  @Test
  void unknownFlagsAndColourMarkersAndTrailingPercent() {
    assertEquals("%Q x m %" + EOL, format("%Q %^x%$ %v %", record(Level.INFO, "a", "m")));
  }

  @Test
  void otherLoggersShowTheirFullNameAndThrownExceptionsFollowTheMessage() {
    LogRecord r = record(Level.WARNING, "io.netty.channel", "oops");
    r.setThrown(new IllegalStateException("boom"));
    String line = format("%n: %v", r);
    assertTrue(line.startsWith("io.netty.channel: oops" + EOL + "java.lang.IllegalStateException: boom"), line);
  }
}
