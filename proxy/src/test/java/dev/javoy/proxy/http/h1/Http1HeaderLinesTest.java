package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parser's own name hash and summary bit agree with {@link HeaderNames#wellKnown} and {@link HeaderNameSummary}. */
class Http1HeaderLinesTest {
  private static final String[] NAMES = {"Host", "content-length", "Content-Type", "X-Request-Id", "connection",
      "Date", "server", "x-envoy-upstream-service-time", "ETag", "x-custom-thing", "a", "TE", "Keep-Alive",
      "Transfer-Encoding", "X-Forwarded-For", "x-very-long-header-name-that-is-longer-than-thirty-two-bytes"};

  @Test
  void parsedNamesAreInternedAndSummarizedAsAddedOnes() {
    Random r = new Random(3);
    for (int round = 0; round < 500; round++) {
      boolean lower = r.nextBoolean();
      StringBuilder head = new StringBuilder();
      int n = 1 + r.nextInt(12);
      String[] names = new String[n];
      for (int i = 0; i < n; i++) {
        names[i] = NAMES[r.nextInt(NAMES.length)];
        head.append(names[i]).append(": v").append(i).append("\r\n");
      }
      head.append("\r\n");
      byte[] b = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      FlatHttpHeaders h = new FlatHttpHeaders(lower, true, 4);
      assertNull(Http1HeaderLines.parse(b, 0, b.length, h, lower));
      int expected = 0;
      for (int i = 0; i < n; i++) {
        expected |= HeaderNameSummary.bitOf(names[i]);
        CharSequence known = HeaderNames.lowerCase(names[i]);
        byte[] nb = names[i].getBytes(StandardCharsets.ISO_8859_1);
        AsciiString k = HeaderNames.wellKnown(nb, 0, nb.length);
        if (k != null && lower) {
          assertSame(k, h.nameAt(i));
        }
        assertEquals(lower ? known.toString() : names[i], h.nameAt(i).toString());
      }
      assertEquals(expected, h.nameSummary(), head.toString());
    }
    byte[] cl = "CONTENT-LENGTH".getBytes(StandardCharsets.ISO_8859_1);
    assertSame(HttpHeaderNames.CONTENT_LENGTH, HeaderNames.wellKnown(cl, 0, cl.length));
    // the eight-bytes-at-a-time compare: near misses in every position, and bytes that only differ by 0x20
    for (String miss : new String[] {"content\rlength", "content-lengtH~", "x-forwarded-fo\u0012", "Content-Lengtg",
        "Xontent-length", "content-length ", "ho\u0013t", "Accept-Encodinf"}) {
      byte[] m = miss.getBytes(StandardCharsets.ISO_8859_1);
      assertNull(HeaderNames.wellKnown(m, 0, m.length), miss);
    }
    byte[] xff = "ACCEPT-encoding".getBytes(StandardCharsets.ISO_8859_1);
    assertSame(HttpHeaderNames.ACCEPT_ENCODING, HeaderNames.wellKnown(xff, 0, xff.length));
  }
}
