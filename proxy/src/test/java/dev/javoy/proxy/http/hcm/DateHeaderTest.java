package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.DateFormatter;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DateHeaderTest {
  private static String hand(long s) {
    return new String(DateHeader.format(s), StandardCharsets.US_ASCII);
  }

  @Test
  void rfc9110Example() {
    assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", hand(784111777L));
  }

  @Test
  void sameAsNettysFormatterAroundCalendarEdges() {
    long[] fixed = {0L, 59L, 86_399L, 86_400L, 951_782_400L /* 2000-02-29 */, 951_868_800L /* 2000-03-01 */,
        4_107_542_399L /* 2099-12-31 23:59:59 */, 1_709_164_800L /* 2024-02-29 */, 1_798_761_599L, 1_798_761_600L,
        253_402_300_799L /* 9999-12-31 23:59:59 */};
    for (long s : fixed) {
      assertEquals(DateFormatter.format(new Date(s * 1000)), hand(s), "second " + s);
    }
  }

  @Test
  void sameAsNettysFormatterForRandomSeconds() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      long s = r.nextLong(0, 253_402_300_800L);
      assertEquals(DateFormatter.format(new Date(s * 1000)), hand(s), "second " + s);
    }
  }

  @Test
  void nowIsTodaysDateAndCachedWithinASecond() {
    String netty = DateFormatter.format(new Date());
    String ours = DateHeader.now().toString();
    assertEquals(29, ours.length());
    assertEquals(netty.substring(0, 16), ours.substring(0, 16)); // same day (barring a midnight between the two)
    assertTrue(ours.endsWith(" GMT"));
  }
}
