package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The span table kept in the room a decoder leaves after a head's bytes ({@link FlatHttpHeaders#spanRoom}): the head's
 * own bytes are never written, values read the same as views made at once (a map decoded from a head without that
 * room), and a head with more values than room, or none at all, falls back to views.
 */
class HeadSpanTableTest {
  private static String head(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(r.nextBoolean() ? "X-Name-" + i : "content-type").append(": ");
      int len = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(300);
      for (int j = 0; j < len; j++) {
        b.append((char) ('!' + r.nextInt(90)));
      }
      b.append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  private static FlatHttpHeaders parse(byte[] b, int len, int count) {
    FlatHttpHeaders h = new FlatHttpHeaders(true, true, 4);
    h.decodingFrom(b, len, count);
    assertNull(Http1HeaderLines.parse(b, 0, len, h, true));
    return h;
  }

  private static String text(FlatHttpHeaders h) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < h.size(); i++) {
      b.append(h.nameAt(i)).append('=').append(h.valueLength(i)).append('=');
      for (int j = 0; j < h.valueLength(i); j++) {
        b.append(h.valueCharAt(i, j));
      }
      b.append('|');
      io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
      h.writeValue(i, out);
      b.append(out.toString(StandardCharsets.ISO_8859_1)).append('|').append(h.valueAt(i)).append('\n');
      out.release();
    }
    return b.toString();
  }

  @Test
  void spansInTheHeadsTailReadAsViews() {
    Random r = new Random(22);
    for (int round = 0; round < 2_000; round++) {
      int n = 1 + r.nextInt(80); // more than HeaderValueSpan.COUNT at times
      byte[] bytes = head(r, n).getBytes(StandardCharsets.ISO_8859_1);
      int len = bytes.length;
      int count = r.nextInt(5) == 0 ? r.nextInt(n) : n; // a decoder's count, or fewer (the rest views)
      byte[] withRoom = Arrays.copyOf(bytes, len + FlatHttpHeaders.spanRoom(count));
      FlatHttpHeaders spans = parse(withRoom, len, count);
      byte[] plain = bytes.clone();
      FlatHttpHeaders views = parse(plain, len, 0); // no table: every value a view at once
      // (both parses lower-case names in place; the table never touches the head's own bytes)
      assertArrayEquals(plain, Arrays.copyOf(withRoom, len), "round " + round);
      if (len + 4 <= Character.MAX_VALUE && count > 0 && spans.size() > 0 && spans.valueLength(0) > 0) {
        assertInstanceOf(HeaderValueSpan.class, spans.rawValue(0));
      }
      assertEquals(text(views), text(spans), "round " + round);
    }
  }

  @Test
  void aHeadWithoutRoomGetsViews() {
    byte[] b = "a: 1\r\nb: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    FlatHttpHeaders h = parse(b, b.length, 2);
    assertInstanceOf(AsciiString.class, h.rawValue(0));
    assertEquals("2", h.get("b"));
  }
}
