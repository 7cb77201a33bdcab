package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.event.LoopClock;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The {@code date} response header value (RFC 9110's IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}), formatted
 * at most once per second per worker. The digits are written by hand into a new 29-byte array from the epoch second
 * (no calendar, no {@code Date}, no formatter): a second's first response pays a few dozen arithmetic operations, not
 * Netty's {@code DateFormatter}, which runs once a second and so stays interpreted (9–25 µs inside a burst).
 */
final class DateHeader {
  private static final FastThreadLocal<DateHeader> CACHE = new FastThreadLocal<>() {
    @Override
    protected DateHeader initialValue() {
      return new DateHeader();
    }
  };

  private static final byte[] DAYS = "SunMonTueWedThuFriSat".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] MONTHS =
      "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private long second = -1;
  private AsciiString value;

  static AsciiString now() {
    return CACHE.get().get();
  }

  private AsciiString get() {
    long ms = LoopClock.currentTimeMillis(); // the loop turn's time
    long s = ms / 1000;
    if (s != second) {
      second = s;
      value = new AsciiString(format(s), false);
    }
    return value;
  }

  /** The IMF-fixdate of {@code epochSecond} (UTC), as 29 ASCII bytes. */
  static byte[] format(long epochSecond) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    int weekday = (int) Math.floorMod(days + 4, 7L); // 1970-01-01 was a Thursday (Sunday = 0)
    // civil date from days since the epoch (proleptic Gregorian; eras of 400 years starting on March 1st)
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    int doe = (int) (z - era * 146_097L);
    int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int day = doy - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9; // 1..12
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    int hour = secOfDay / 3600;
    int minute = secOfDay / 60 % 60;
    int sec = secOfDay % 60;

    byte[] b = new byte[29];
    System.arraycopy(DAYS, weekday * 3, b, 0, 3);
    b[3] = ',';
    b[4] = ' ';
    two(b, 5, day);
    b[7] = ' ';
    System.arraycopy(MONTHS, (month - 1) * 3, b, 8, 3);
    b[11] = ' ';
    int y = (int) Math.floorMod(year, 10_000L); // four digits, as the format has
    two(b, 12, y / 100);
    two(b, 14, y % 100);
    b[16] = ' ';
    two(b, 17, hour);
    b[19] = ':';
    two(b, 20, minute);
    b[22] = ':';
    two(b, 23, sec);
    b[25] = ' ';
    b[26] = 'G';
    b[27] = 'M';
    b[28] = 'T';
    return b;
  }

  private static void two(byte[] b, int at, int v) {
    b[at] = (byte) ('0' + v / 10);
    b[at + 1] = (byte) ('0' + v % 10);
  }
}
