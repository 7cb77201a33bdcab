package dev.javoy.proxy.accesslog.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javoy.proxy.stream.StreamInfo;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StartTimeFormatTest {
  private static final long T = Instant.parse("2016-04-15T20:17:00.310Z").toEpochMilli();

  private static String utc(String pattern, long epochMillis) {
    StringBuilder sb = new StringBuilder();
    StrftimeFormat.compile(pattern, false)
        .format(Math.floorDiv(epochMillis, 1000), (int) Math.floorMod(epochMillis, 1000) * 1_000_000, sb);
    return sb.toString();
  }

  private static String nanos(String pattern, long epochSecond, int nanos) {
    StringBuilder sb = new StringBuilder();
    StrftimeFormat.compile(pattern, false).format(epochSecond, nanos, sb);
    return sb.toString();
  }

  @Test
  void envoysDefaultStartTime() {
    assertEquals("2016-04-15T20:17:00.310Z", utc(TimeCommands.DEFAULT_UTC, T));
  }

  @Test
  void fractionalSecondsAndEpochSeconds() {
    long s = 1460751420L;
    int n = 310_123_456;
    assertEquals("310123456 3 310 310123 310123456", nanos("%f %1f %3f %6f %9f", s, n));
    assertEquals("1460751420", nanos("%s", s, n));
    assertEquals("00.310 00.310123456 00.31012 00", nanos("%E3S %E*S %E5S %E0S", s, n));
    assertEquals("00 310 31012346", nanos("%E*S", s, 0) + " " + nanos("%E3f", s, n) + " "
        + nanos("%E8f", s, 310_123_460));
    assertEquals("31", nanos("%E*f", s, 310_000_000));
  }

  @Test
  void calendarFields() {
    assertEquals("2016/04/15 20:17:00 Fri Friday Apr April 106 5 5 PM 08 16 20 +0000 +00:00 UTC",
        utc("%Y/%m/%d %H:%M:%S %a %A %b %B %j %u %w %p %I %y %C %z %Ez %Z", T));
    assertEquals("20:17:00|04/15/16|2016-04-15|20:17|15|", utc("%T|%D|%F|%R|%e|", T));
    assertEquals(" 5|12:00:00 AM|Mon Jan  5 00:00:00 1970", utc("%e|%r|%c", 4 * 86400_000L));
    assertEquals("literal %q text\t", utc("literal %q text%t", T));
  }

  @Test
  void agreesWithJavaTimeOverManyDates() {
    Random r = new Random(7);
    DateTimeFormatter java = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS D e", Locale.ROOT);
    for (int i = 0; i < 20_000; i++) {
      long millis = (long) (r.nextDouble() * 8_000_000_000_000L) - 1_000_000_000_000L; // 1938..2223
      ZonedDateTime z = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
      String expected = z.format(java);
      // Java's D is unpadded and e is locale-based (Sunday=1 in ROOT); map them to %j and %w.
      String[] parts = expected.split(" ");
      String want = parts[0] + " " + String.format("%03d", Integer.parseInt(parts[1])) + " "
          + (z.getDayOfWeek().getValue() % 7);
      assertEquals(want, utc("%Y-%m-%dT%H:%M:%E3S %j %w", millis), "at " + millis);
    }
  }

  @Test
  void localTimeUsesSystemZone() {
    StringBuilder sb = new StringBuilder();
    StrftimeFormat.compile("%Y-%m-%dT%H:%M:%S%z", true).format(T / 1000, 0, sb);
    assertEquals(Instant.ofEpochMilli(T).atZone(ZoneId.systemDefault())
        .format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxx")), sb.toString());
  }

  @Test
  void startTimeCommandUsesTheStreamStart() throws Exception {
    StreamInfo info = new StreamInfo();
    String s = SubstitutionFormatStrings.text("%START_TIME(%s.%3f)%", "p").format(info, "");
    assertEquals(info.startTimeEpochMillis / 1000 + "." + String.format("%03d", info.startTimeEpochMillis % 1000), s);
    String emit = SubstitutionFormatStrings.text("%EMIT_TIME(%s)%", "p").format(info, "");
    long now = System.currentTimeMillis() / 1000;
    assertEquals(true, Math.abs(Long.parseLong(emit) - now) <= 1);
  }
}
