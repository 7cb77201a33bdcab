package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The well-known-name lookup from raw bytes ({@link HeaderNames#wellKnown(byte[], int, int)}, hashed eight bytes at a
 * time) against the plain definition: the constant whose letters equal the bytes ignoring ASCII case, found by a
 * linear search over every constant. Names at every offset, in random case, at the very end of their array (the
 * hash's last word read byte by byte), random token strings and near misses.
 */
class HeaderNamesHashTest {
  private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  static List<AsciiString> constants() throws IllegalAccessException {
    List<AsciiString> names = new ArrayList<>();
    for (Field f : HttpHeaderNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == AsciiString.class) {
        names.add((AsciiString) f.get(null));
      }
    }
    names.addAll(List.of(EnvoyHeaderNames.ALL));
    return names;
  }

  private static AsciiString linear(List<AsciiString> names, byte[] a, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (!Http1HeaderLines.isTchar(a[i])) {
        return null;
      }
    }
    AsciiString s = new AsciiString(a, off, len, false);
    for (AsciiString n : names) {
      if (n.contentEqualsIgnoreCase(s)) {
        return n;
      }
    }
    return null;
  }

  private static String randomCase(String s, Random r) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  private static void check(List<AsciiString> names, String name, Random r) {
    byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
    int before = r.nextInt(12);
    int after = r.nextInt(3) == 0 ? 0 : r.nextInt(12); // often none: the name ends its array
    byte[] a = new byte[before + n.length + after];
    r.nextBytes(a);
    System.arraycopy(n, 0, a, before, n.length);
    AsciiString want = linear(names, a, before, n.length);
    assertSame(want, HeaderNames.wellKnown(a, before, n.length), name);
  }

  @Test
  void lookupMatchesTheLinearDefinition() throws Exception {
    List<AsciiString> names = constants();
    Random r = new Random(8);
    for (int round = 0; round < 200; round++) {
      for (AsciiString c : names) {
        String s = c.toString();
        check(names, randomCase(s, r), r);
        check(names, s.substring(0, r.nextInt(s.length())), r); // prefixes
        check(names, s + TCHARS.charAt(r.nextInt(TCHARS.length())), r); // one more byte
        char[] m = s.toCharArray(); // one byte changed
        m[r.nextInt(m.length)] = TCHARS.charAt(r.nextInt(TCHARS.length()));
        check(names, new String(m), r);
      }
    }
    for (int i = 0; i < 50_000; i++) {
      char[] m = new char[1 + r.nextInt(30)];
      for (int j = 0; j < m.length; j++) {
        m[j] = r.nextInt(10) == 0 ? (char) r.nextInt(256) : TCHARS.charAt(r.nextInt(TCHARS.length()));
      }
      check(names, new String(m), r);
    }
  }

  @Test
  void everyConstantIsFoundInAnyCaseAtAnyOffset() throws Exception {
    for (AsciiString c : constants()) {
      for (int off = 0; off < 9; off++) {
        byte[] a = new byte[off + c.length()];
        byte[] up = c.toString().toUpperCase().getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(up, 0, a, off, up.length);
        assertSame(c, HeaderNames.wellKnown(a, off, c.length()), c + " at " + off);
      }
    }
  }

  @Test
  void usualNamesHaveAHomeSlotOfTheirOwn() throws Exception {
    Map<Integer, List<String>> slots = new HashMap<>();
    for (AsciiString c : constants()) {
      byte[] a = c.toByteArray();
      slots.computeIfAbsent(HeaderNames.bytesHash(a, 0, a.length) & 511, k -> new ArrayList<>()).add(c.toString());
    }
    String[] usual = {"host", "user-agent", "accept", "accept-encoding", "content-type", "content-length",
        "connection", "server", "date", "x-forwarded-for", "x-forwarded-proto", "x-request-id", "transfer-encoding",
        "x-envoy-upstream-service-time", "x-envoy-expected-rq-timeout-ms", "cache-control", "authorization", "cookie",
        "upgrade", "te", "keep-alive", "proxy-connection", "x-envoy-internal", "via", "location",
        "etag", "last-modified", "vary", "accept-language", "referer", "origin", "content-encoding", "set-cookie"};
    List<String> all = constants().stream().map(AsciiString::toString).toList();
    for (String u : usual) {
      assertTrue(all.contains(u), u);
      byte[] a = u.getBytes(StandardCharsets.ISO_8859_1);
      List<String> at = slots.get(HeaderNames.bytesHash(a, 0, a.length) & 511);
      assertEquals(List.of(u), at, u + " shares its home slot");
    }
    long crowded = slots.values().stream().filter(l -> l.size() > 1).count();
    assertTrue(crowded <= 4, "slots with more than one name: " + crowded);
  }
}
