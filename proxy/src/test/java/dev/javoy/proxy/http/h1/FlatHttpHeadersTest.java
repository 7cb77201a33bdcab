package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FlatHttpHeaders} behaves as Netty's {@link DefaultHttpHeaders} (differentially, on random operations). */
class FlatHttpHeadersTest {
  private static List<String> entries(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : h) {
      out.add(e.getKey() + "=" + e.getValue());
    }
    return out;
  }

  private static List<String> lowerEntries(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      out.add(e.getKey().toString().toLowerCase() + "=" + e.getValue());
    }
    return out;
  }

  @Test
  void randomOperationsMatchDefaultHttpHeaders() {
    randomOperations(false);
  }

  /**
   * The same with maps that start as a codec leaves them: values decoded from a head and kept as spans of its
   * bytes (made views only when read), read and changed at random moments, and written out as the encoder does.
   */
  @Test
  void randomOperationsOnDecodedSpanValuesMatchDefaultHttpHeaders() {
    randomOperations(true);
  }

  /** Spans are 16-bit: a head over 64 KiB gets its values as views at once, the same to read and to write. */
  @Test
  void valuesOfAHeadOver64KiBAreTheSame() {
    String big = "v".repeat(70_000);
    String head = "X-A: 1\r\nX-Big: " + big + "\r\nHost: h\r\n\r\n";
    FlatHttpHeaders h = decoded(head, true);
    assertEquals(big, h.get("x-big"));
    assertEquals("h", h.get("host"));
    HttpHeaders ref = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    ref.add("x-a", "1").add("x-big", big).add("host", "h");
    assertEquals(written(ref), written(h));
    FlatHttpHeaders small = decoded("X-A: 1\r\nHost: h\r\n\r\n", true);
    assertEquals(1, small.valueLength(0));
    assertEquals('h', small.valueCharAt(1, 0));
    assertEquals(true, small.valueContentEqualsIgnoreCase(1, io.netty.util.AsciiString.of("H")));
    assertEquals("x-a: 1\r\nhost: h\r\n", written(small));
  }

  private static FlatHttpHeaders decoded(String head, boolean lowerCase) {
    int count = (int) head.chars().filter(c -> c == '\n').count() - 1;
    int n = head.length();
    byte[] b = java.util.Arrays.copyOf(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
        n + FlatHttpHeaders.spanRoom(count)); // the span table after the head, as the decoders leave it
    FlatHttpHeaders h = new FlatHttpHeaders(lowerCase, true, 4);
    h.decodingFrom(b, n, count);
    assertEquals(null, Http1HeaderLines.parse(b, 0, n, h, lowerCase));
    return h;
  }

  private static String written(HttpHeaders h) {
    io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
    try {
      Http1MessageEncoder.writeHeaders(h, buf);
      return buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    } finally {
      buf.release();
    }
  }

  private static void randomOperations(boolean decodedStart) {
    String[] names = {"Host", "host", "X-A", "x-a", "Content-Length", "Accept", "x-b", "Set-Cookie", "X-Long-Name-Z"};
    String[] values = {"1", "a, b", "close", "Keep-Alive", "", "v w", "chunked", "x"};
    for (long seed = 0; seed < 300; seed++) {
      Random r = new Random(seed);
      FlatHttpHeaders flat = new FlatHttpHeaders(false, true, 4);
      HttpHeaders ref = DefaultHttpHeadersFactory.headersFactory().newHeaders();
      FlatHttpHeaders lower = new FlatHttpHeaders();
      if (decodedStart) {
        StringBuilder head = new StringBuilder();
        for (int i = 0, n = r.nextInt(12); i < n; i++) {
          String name = names[r.nextInt(names.length)];
          String value = values[r.nextInt(values.length)];
          head.append(name).append(":").append(r.nextBoolean() ? " " : "\t ").append(value)
              .append(r.nextBoolean() ? "" : " ").append("\r\n");
          ref.add(name, value);
        }
        head.append("\r\n");
        flat = decoded(head.toString(), false);
        lower = decoded(head.toString(), true);
        if (r.nextBoolean()) { // written before anything is read: straight from the spans
          assertEquals(written(ref), written(flat), "seed " + seed);
          assertEquals(written(ref).length(), written(lower).length(), "seed " + seed);
        }
        if (r.nextInt(4) == 0) {
          flat = (FlatHttpHeaders) flat.copy();
        }
      }
      List<String> log = new ArrayList<>();
      for (int step = 0; step < 40; step++) {
        String n = names[r.nextInt(names.length)];
        String v = values[r.nextInt(values.length)];
        int op = r.nextInt(10);
        log.add(op + " " + n + " " + v);
        for (HttpHeaders h : new HttpHeaders[] {flat, ref, lower}) {
          switch (op) {
            case 0, 1, 2 -> h.add(n, v);
            case 3 -> h.set(n, v);
            case 4 -> h.remove(n);
            case 5 -> h.set(n, List.of(v, "z"));
            case 6 -> h.add(n, List.of(v));
            case 7 -> h.addInt(n, step);
            case 8 -> h.setInt(n, step);
            default -> {
              if (h == ref) {
                h.remove(n); // Netty's iterator is read-only
                continue;
              }
              for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
                if (AsciiString.contentEqualsIgnoreCase(it.next().getKey(), n)) {
                  it.remove(); // remove during iteration
                }
              }
            }
          }
        }
        String at = "seed " + seed + ": " + log;
        if (decodedStart && step < 39 && r.nextInt(5) != 0) {
          continue; // let spans meet several changes before they are read
        }
        if (decodedStart) {
          assertEquals(written(ref), written(flat), at);
        }
        assertEquals(entries(ref), entries(flat), at);
        assertEquals(lowerEntries(ref), entries(lower), at);
        assertEquals(ref.size(), flat.size(), at);
        for (String q : names) {
          assertEquals(ref.get(q), flat.get(q), at);
          assertEquals(ref.getAll(q), flat.getAll(q), at);
          assertEquals(ref.contains(q), flat.contains(q), at);
          assertEquals(ref.getInt(q), flat.getInt(q), at);
          for (String w : values) {
            assertEquals(ref.contains(q, w, true), flat.contains(q, w, true), at + " contains " + q + " " + w);
            assertEquals(ref.contains(q, w, false), flat.contains(q, w, false), at);
            assertEquals(ref.containsValue(q, w.trim(), true), flat.containsValue(q, w.trim(), true), at);
            assertEquals(ref.containsValue(q, w.trim(), false), flat.containsValue(q, w.trim(), false), at);
          }
        }
        assertEquals(ref.names().size(), flat.names().size(), at);
        assertEquals(ref.isEmpty(), flat.isEmpty(), at);
      }
    }
  }

  @Test
  void namesAreLowerCasedAndWellKnownOnesInterned() {
    FlatHttpHeaders h = new FlatHttpHeaders();
    h.add("Content-Type", "text/plain").add("X-Custom", "1");
    assertSame(HttpHeaderNames.CONTENT_TYPE, h.nameAt(0));
    assertEquals("x-custom", h.nameAt(1).toString());
    assertTrue(h.lowerCaseNames());
    assertEquals("text/plain", h.get("CONTENT-TYPE"));
    h.renameAt(1, "X-Custom");
    assertFalse(h.lowerCaseNames());
    h.clear();
    assertTrue(h.lowerCaseNames());
  }

  @Test
  void preserveCaseKeepsNamesAndFindsThemIgnoringCase() {
    FlatHttpHeaders h = new FlatHttpHeaders(false, true, 4);
    h.add("X-MiXed", "1");
    assertEquals("X-MiXed", h.nameAt(0).toString());
    assertEquals("1", h.get("x-mixed"));
    assertFalse(h.lowerCaseNames());
  }

  @Test
  void invalidNamesAndValuesAreRejectedAsNettyDoes() {
    FlatHttpHeaders h = new FlatHttpHeaders();
    HttpHeaders ref = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    for (String bad : new String[] {"X Bad", "x:y", "", "a\r"}) {
      assertThrows(IllegalArgumentException.class, () -> ref.add(bad, "v"), bad);
      assertThrows(IllegalArgumentException.class, () -> h.add(bad, "v"), bad);
    }
    for (String badValue : new String[] {"a\r\nb", "a\nb", "\u0000"}) {
      boolean refRejects;
      try {
        ref.add("x", badValue);
        refRejects = false;
      } catch (IllegalArgumentException e) {
        refRejects = true;
      }
      boolean flatRejects;
      try {
        h.add("x", badValue);
        flatRejects = false;
      } catch (IllegalArgumentException e) {
        flatRejects = true;
      }
      assertEquals(refRejects, flatRejects, badValue);
    }
    assertThrows(NullPointerException.class, () -> h.add("x", (Object) null));
  }

  @Test
  void valuesOfOtherTypesAreConvertedAsNettyDoes() {
    FlatHttpHeaders h = new FlatHttpHeaders();
    DefaultHttpHeaders ref = new DefaultHttpHeaders();
    Date d = new Date(1_700_000_000_000L);
    h.set("date", d).add("n", 42).addShort("s", (short) 7);
    ref.set("date", d).add("n", 42).addShort("s", (short) 7);
    assertEquals(entries(ref), entries(h));
    assertEquals(1_700_000_000_000L, h.getTimeMillis("date"));
    assertEquals((short) 7, h.getShort("s"));
    assertEquals(42, h.getInt("n", -1));
    assertNull(h.getInt("missing"));
    assertEquals(-1, h.getInt("date", -1));
  }

  @Test
  void copySetAllAndAddFromOtherHeaders() {
    FlatHttpHeaders h = new FlatHttpHeaders();
    h.add("a", "1").add("b", "2").add("a", "3");
    HttpHeaders c = h.copy();
    h.remove("a");
    assertEquals(List.of("a=1", "b=2", "a=3"), entries(c));
    assertEquals(List.of("b=2"), entries(h));
    h.setAll(new DefaultHttpHeaders().add("B", "9").add("c", "4"));
    DefaultHttpHeaders ref = new DefaultHttpHeaders();
    ref.add("b", "2").setAll(new DefaultHttpHeaders().add("B", "9").add("c", "4"));
    assertEquals(lowerEntries(ref), entries(h));
    h.set(c);
    assertEquals(List.of("a=1", "b=2", "a=3"), entries(h));
    assertThrows(IllegalArgumentException.class, () -> h.add(h));
    assertEquals(h, c);
  }

  @Test
  void iteratorEntriesWriteThroughAndValueIteratorsRemove() {
    FlatHttpHeaders h = new FlatHttpHeaders();
    h.add("a", "1").add("b", "2").add("a", "3");
    for (Map.Entry<String, String> e : h) {
      if (e.getKey().equals("b")) {
        e.setValue("20");
      }
    }
    assertEquals("20", h.get("b"));
    Iterator<String> it = h.valueStringIterator("a");
    assertEquals("1", it.next());
    it.remove();
    assertEquals("3", it.next());
    assertFalse(it.hasNext());
    assertEquals(List.of("b=20", "a=3"), entries(h));
  }

  @Test
  void httpUtilReadsThem() {
    FlatHttpHeaders h = new FlatHttpHeaders();
    h.add("Connection", "keep-alive, Close").add("Transfer-Encoding", "chunked");
    assertTrue(h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
    assertTrue(h.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true));
    assertFalse(h.contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
    assertEquals("chunked", h.getCharSequence(new AsciiString("TRANSFER-ENCODING")).toString());
  }

  /** javoy's own headers are set as Envoy sets its inline ones: the first in place (name as received), the rest go. */
  @Test
  void setTrustedReplacesTheFirstInPlaceAndDropsTheOthers() {
    FlatHttpHeaders h = new FlatHttpHeaders(false, true, 4);
    h.add("Server", "nginx").add("Date", "x").add("server", "other").add("content-length", "3");
    TrustedHeaders.set(h, HttpHeaderNames.SERVER, AsciiString.of("envoy"));
    TrustedHeaders.set(h, HttpHeaderNames.DATE, AsciiString.of("today"));
    TrustedHeaders.set(h, EnvoyHeaderNames.X_ENVOY_UPSTREAM_SERVICE_TIME, "1");
    assertEquals(List.of("Server=envoy", "Date=today", "content-length=3", "x-envoy-upstream-service-time=1"), entries(h));
    assertEquals("envoy", h.get("SERVER"));
    TrustedHeaders.add(h, EnvoyHeaderNames.X_REQUEST_ID, "id");
    assertEquals("id", h.get("X-Request-Id"));
    assertEquals(5, h.size());
    // any other map: Netty's set and add
    HttpHeaders d = new DefaultHttpHeaders().add("server", "nginx").add("date", "x");
    TrustedHeaders.set(d, HttpHeaderNames.SERVER, AsciiString.of("envoy"));
    TrustedHeaders.add(d, EnvoyHeaderNames.X_REQUEST_ID, "id");
    assertEquals(List.of("date=x", "server=envoy", "x-request-id=id"), entries(d));
  }

  /** Setting server and date in one pass is the same as setting them one after the other (keep: only if absent). */
  @Test
  void setTwoTrustedInOnePassIsTwoSets() {
    Random r = new Random(11);
    String[] pool = {"server", "Server", "SERVER", "date", "Date", "content-length", "connection", "x-a", "etag"};
    for (int round = 0; round < 2000; round++) {
      boolean lower = r.nextBoolean();
      FlatHttpHeaders one = new FlatHttpHeaders(lower, true, 2);
      FlatHttpHeaders two = new FlatHttpHeaders(lower, true, 2);
      for (int k = 0, n = r.nextInt(9); k < n; k++) {
        String name = pool[r.nextInt(pool.length)];
        one.add(name, "v" + k);
        two.add(name, "v" + k);
      }
      int mode = r.nextInt(3); // 0 overwrite, 1 append if absent, 2 pass through
      AsciiString server = AsciiString.of("envoy");
      AsciiString date = AsciiString.of("today");
      if (mode == 2) {
        TrustedHeaders.set(one, null, null, false, HttpHeaderNames.DATE, date);
      } else {
        TrustedHeaders.set(one, HttpHeaderNames.SERVER, server, mode == 1, HttpHeaderNames.DATE, date);
      }
      if (mode == 0 || (mode == 1 && !two.contains(HttpHeaderNames.SERVER))) {
        TrustedHeaders.set(two, HttpHeaderNames.SERVER, server);
      }
      TrustedHeaders.set(two, HttpHeaderNames.DATE, date);
      assertEquals(entries(two), entries(one), "round " + round);
      assertEquals(two.nameSummary() & HeaderNameSummary.bitOf("server"), one.nameSummary() & HeaderNameSummary.bitOf("server"));
      // any other map: Netty's set
      HttpHeaders d = new DefaultHttpHeaders();
      HttpHeaders e = new DefaultHttpHeaders();
      for (Map.Entry<String, String> x : two) {
        d.add(x.getKey(), x.getValue());
        e.add(x.getKey(), x.getValue());
      }
      TrustedHeaders.set(d, HttpHeaderNames.SERVER, server, mode == 1, HttpHeaderNames.DATE, date);
      if (mode != 1 || !e.contains(HttpHeaderNames.SERVER)) {
        e.set(HttpHeaderNames.SERVER, server);
      }
      e.set(HttpHeaderNames.DATE, date);
      assertEquals(entries(e), entries(d));
    }
  }

  /** The name summary answers "absent" only for names not there, whatever their case, through adds and removes. */
  @Test
  void nameSummaryNeverHidesAPresentName() {
    Random r = new Random(7);
    String[] pool = {"host", "Host", "x-request-id", "X-Request-ID", "te", "TE", "a", "b", "expect", "connection",
        "Content-Length", "x-envoy-retry-on", "x-forwarded-for", "X-Forwarded-Proto", "user-agent", "keep-alive"};
    for (int round = 0; round < 200; round++) {
      FlatHttpHeaders h = new FlatHttpHeaders(r.nextBoolean(), true, 4);
      HttpHeaders ref = new DefaultHttpHeaders();
      for (int op = 0; op < 30; op++) {
        String n = pool[r.nextInt(pool.length)];
        switch (r.nextInt(4)) {
          case 0, 1 -> { h.add(n, "v" + op); ref.add(n, "v" + op); }
          case 2 -> { h.remove(n); ref.remove(n); }
          default -> { TrustedHeaders.set(h, AsciiString.of(n.toLowerCase()), "s"); ref.set(n, "s"); }
        }
        for (String q : pool) {
          assertEquals(ref.contains(q), h.contains(q), q + " after op " + op);
        }
      }
    }
  }

  @Test
  void envoysOwnNamesAreInternedWhenDecoded() {
    FlatHttpHeaders h = decoded("X-Request-Id: 1\r\nx-forwarded-proto: http\r\nX-Envoy-Retry-On: 5xx\r\n\r\n", true);
    assertSame(EnvoyHeaderNames.X_REQUEST_ID, h.nameAt(0));
    assertSame(EnvoyHeaderNames.X_FORWARDED_PROTO, h.nameAt(1));
    assertSame(EnvoyHeaderNames.X_ENVOY_RETRY_ON, h.nameAt(2));
    assertTrue(HeaderNames.isWellKnownConstant(EnvoyHeaderNames.X_ENVOY_EXPECTED_RQ_TIMEOUT_MS));
    assertSame(EnvoyHeaderNames.X_FORWARDED_FOR, HeaderNames.lowerCase("X-Forwarded-For"));
  }
}
