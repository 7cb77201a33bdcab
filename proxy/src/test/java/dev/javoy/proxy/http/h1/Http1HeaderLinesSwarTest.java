package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Http1HeaderLines} scans values and line ends eight bytes at a time ({@link LineBytes}); it must decide
 * exactly as the byte-at-a-time parser ({@link ByteAtATimeHeaderLines}): the same headers, the same error. Values of
 * every length around the word size, with CR, LF, NUL, DEL, HTAB, SP, other control bytes and bytes of 0x80 and above
 * at every position of a word, in names and values, with and without the lower-casing of names.
 */
class Http1HeaderLinesSwarTest {
  private static final byte[] SPECIAL = {'\r', '\n', 0, 0x7f, '\t', ' ', 0x1f, 0x01, 0x0b, 0x0c, (byte) 0x80,
      (byte) 0xff, (byte) 0x9f, (byte) 0xa0, 0x20, 0x21, 0x7e, ':', '"', (byte) 0x8d, (byte) 0x8a};

  @Test
  void specialBytesAtEveryPositionOfAValue() {
    for (int len = 0; len <= 40; len++) {
      for (int at = 0; at < Math.max(len, 1); at++) {
        for (byte sp : SPECIAL) {
          byte[] value = filler(len, 'v');
          if (len > 0) {
            value[at] = sp;
          }
          for (String name : new String[] {"x", "Host", "X-Custom-Header-Name", "content-length"}) {
            compare(head(name, ": ", value, "\r\n"));
            compare(head(name, ":", value, " \t\r\n"));
            compare(head(name, ":\t ", value, "\r\nNext: x\r\n"));
          }
        }
      }
    }
  }

  @Test
  void specialBytesInNamesAndLineEnds() {
    for (int len = 1; len <= 24; len++) {
      for (int at = 0; at < len; at++) {
        for (byte sp : SPECIAL) {
          byte[] name = filler(len, 'n');
          name[at] = sp;
          compare(head(new String(name, StandardCharsets.ISO_8859_1), ": ", filler(9, 'v'), "\r\n"));
        }
      }
    }
    for (String end : new String[] {"\r", "\n", "\r\r\n", "\n\r", "\r\n", "", " \r\n", "\r \n"}) {
      for (int len = 0; len <= 17; len++) {
        byte[] b = concat(("Name: ").getBytes(StandardCharsets.ISO_8859_1), filler(len, 'v'),
            end.getBytes(StandardCharsets.ISO_8859_1));
        compareSection(concat(b, "\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        compareSection(b); // the section cut short
      }
    }
    compareSection("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    compareSection(" folded: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    compareSection("a: b\r\n folded\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    compareSection("a: b\r\n\r".getBytes(StandardCharsets.ISO_8859_1));
    compareSection(":novalue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    compareSection("name :x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void randomHeads() {
    Random r = new Random(11);
    for (int round = 0; round < 20_000; round++) {
      int lines = 1 + r.nextInt(6);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < lines; i++) {
        s.append(randomBytes(r, 1 + r.nextInt(12), 0.03)).append(':').append(r.nextBoolean() ? " " : "")
            .append(randomBytes(r, r.nextInt(30), 0.04)).append(r.nextInt(4) == 0 ? " \t" : "").append("\r\n");
      }
      s.append("\r\n");
      compareSection(s.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private static String randomBytes(Random r, int n, double specialRate) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < specialRate) {
        s.append((char) (SPECIAL[r.nextInt(SPECIAL.length)] & 0xff));
      } else if (r.nextDouble() < 0.02) {
        s.append((char) r.nextInt(256));
      } else {
        s.append((char) ('a' + r.nextInt(26) - (r.nextBoolean() ? 32 : 0)));
      }
    }
    return s.toString();
  }

  private static byte[] filler(int len, char c) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (c + (i % 3));
    }
    return b;
  }

  private static byte[] head(String name, String sep, byte[] value, String end) {
    return concat(concat((name + sep).getBytes(StandardCharsets.ISO_8859_1), value,
        end.getBytes(StandardCharsets.ISO_8859_1)), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] b = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, b, o, p.length);
      o += p.length;
    }
    return b;
  }

  private static void compare(byte[] section) {
    compareSection(section);
  }

  /** Both parsers on their own copy (names are lower-cased in place), with a start line before the section. */
  private static void compareSection(byte[] section) {
    byte[] prefix = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
    for (boolean lower : new boolean[] {true, false}) {
      int to = prefix.length + section.length;
      byte[] room = new byte[FlatHttpHeaders.spanRoom(4)]; // the span table after the head, as the decoders leave it
      byte[] a = concat(concat(prefix, section), room);
      byte[] b = concat(concat(prefix, section), room);
      FlatHttpHeaders ha = new FlatHttpHeaders(lower, true, 4);
      FlatHttpHeaders hb = new FlatHttpHeaders(lower, true, 4);
      ha.decodingFrom(a, to, 4);
      hb.decodingFrom(b, to, 4);
      String ea = Http1HeaderLines.parse(a, prefix.length, to, ha, lower);
      String eb = ByteAtATimeHeaderLines.parse(b, prefix.length, to, hb, lower);
      String what = new String(section, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
      assertEquals(eb, ea, what);
      assertEquals(text(hb), text(ha), what);
      assertEquals(hb.nameSummary(), ha.nameSummary(), what);
      assertEquals(ByteAtATimeHeaderLines.lineEnd(b, 0, b.length), Http1HeaderLines.lineEnd(a, 0, a.length), what);
      for (int from = 0; from < section.length; from++) {
        assertEquals(ByteAtATimeHeaderLines.lineEnd(b, prefix.length + from, b.length),
            Http1HeaderLines.lineEnd(a, prefix.length + from, a.length), what);
      }
    }
  }

  private static String text(FlatHttpHeaders h) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < h.size(); i++) {
      s.append(h.nameAt(i)).append('=').append(h.valueAt(i)).append('|');
    }
    return s.toString();
  }
}
