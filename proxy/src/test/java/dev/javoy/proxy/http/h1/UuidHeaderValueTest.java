package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.tracing.TraceReason;
import dev.javoy.proxy.tracing.UuidTraceStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidHeaderValueTest {
  @Test
  void everyReadGivesTheJdksText() {
    SplittableRandom r = new SplittableRandom(42);
    byte[] d = new byte[40];
    for (int n = 0; n < 20_000; n++) {
      long hi = r.nextLong();
      long lo = r.nextLong();
      UuidHeaderValue v = new UuidHeaderValue(hi, lo);
      String expected = new UUID(hi, lo).toString();
      StringBuilder byChar = new StringBuilder();
      for (int i = 0; i < v.length(); i++) {
        byChar.append(v.charAt(i));
      }
      assertEquals(expected, byChar.toString());
      assertEquals(expected, v.toString());
      assertSame(v.toString(), v.toString()); // made once
      d[2] = 'x';
      assertEquals(2 + 36, v.put(d, 2));
      assertEquals(expected, new String(d, 2, 36, StandardCharsets.ISO_8859_1));
      ByteBuf b = Unpooled.buffer();
      v.write(b);
      assertEquals(expected, b.toString(StandardCharsets.ISO_8859_1));
      assertEquals(expected.substring(9, 13), v.subSequence(9, 13).toString());
    }
  }

  @Test
  void version4HasTheVersionAndVariantBits() {
    SplittableRandom r = new SplittableRandom(7);
    for (int n = 0; n < 10_000; n++) {
      UuidHeaderValue v = UuidHeaderValue.version4(r.nextLong(), r.nextLong());
      UUID u = UUID.fromString(v.toString());
      assertEquals(4, u.version());
      assertEquals(2, u.variant());
      assertEquals(u.getMostSignificantBits(), v.mostSignificantBits());
      assertEquals(u.getLeastSignificantBits(), v.leastSignificantBits());
    }
  }

  @Test
  void versionDigitReplaced() {
    UuidHeaderValue v = new UuidHeaderValue(0x0d3f6f9c3c334a4dL, 0x9b8f1d2c3b4a5e6fL);
    assertEquals("0d3f6f9c-3c33-4a4d-9b8f-1d2c3b4a5e6f", v.toString());
    assertEquals("0d3f6f9c-3c33-9a4d-9b8f-1d2c3b4a5e6f", v.withVersionDigit(9).toString());
    assertEquals("0d3f6f9c-3c33-ba4d-9b8f-1d2c3b4a5e6f", v.withVersionDigit(0xb).toString());
  }

  @Test
  void aPackedTraceReasonKeepsAGeneratedIdAsBits() {
    UuidHeaderValue v = new UuidHeaderValue(0x0d3f6f9c3c334a4dL, 0x9b8f1d2c3b4a5e6fL);
    CharSequence sampled = UuidTraceStatus.withReason(v, TraceReason.SAMPLING);
    assertTrue(sampled instanceof UuidHeaderValue, sampled.getClass().getName());
    assertEquals("0d3f6f9c-3c33-9a4d-9b8f-1d2c3b4a5e6f", sampled.toString());
    assertEquals(TraceReason.SAMPLING, UuidTraceStatus.reasonOf(sampled));
    assertSame(sampled, UuidTraceStatus.withReason(sampled, TraceReason.SAMPLING)); // already says so
    assertEquals(0x0d3f6f9cL, UuidTraceStatus.toInteger(sampled));
    assertEquals(v.toString(), UuidTraceStatus.withReason(sampled, TraceReason.NOT_TRACEABLE).toString());
  }

  @Test
  void outOfRange() {
    UuidHeaderValue v = new UuidHeaderValue(1, 2);
    assertThrows(IndexOutOfBoundsException.class, () -> v.charAt(36));
    assertThrows(IndexOutOfBoundsException.class, () -> v.charAt(-1));
  }
}
