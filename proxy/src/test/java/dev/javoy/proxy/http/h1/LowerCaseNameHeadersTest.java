package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class LowerCaseNameHeadersTest {
  private static LowerCaseNameHeaders headers(boolean lower) {
    DefaultHttpHeadersFactory f = DefaultHttpHeadersFactory.headersFactory();
    return new LowerCaseNameHeaders(f.getNameValidator(), f.getValueValidator(), lower) {};
  }

  private static List<String> names(HttpHeaders h) {
    return StreamSupport.stream(h.spliterator(), false).map(Map.Entry::getKey).collect(Collectors.toList());
  }

  @Test
  void everyWayOfAddingStoresLowerCaseNames() {
    LowerCaseNameHeaders h = headers(true);
    h.add("X-A", "1").add((CharSequence) "X-B", "2").set("X-C", "3").set((CharSequence) "X-D", List.of("4"))
        .addInt("X-E", 5).setShort("X-F", (short) 6).add("X-G", List.of("7"));
    h.add(new DefaultHttpHeaders().add("X-H", "8"));
    h.setAll(new DefaultHttpHeaders().add("X-A", "9"));
    assertEquals(List.of("x-b", "x-c", "x-d", "x-e", "x-f", "x-g", "x-h", "x-a"), names(h));
    assertTrue(h.lowerCaseNames());
    assertEquals("9", h.get("X-A"));
  }

  @Test
  void preserveCaseKeepsNamesAsReceived() {
    LowerCaseNameHeaders h = headers(false);
    h.add("X-A", "1").set("X-B", "2");
    assertEquals(List.of("X-A", "X-B"), names(h));
    assertFalse(h.lowerCaseNames());
  }

  @Test
  void aFormatterWritingProperCaseIsNotLowerCasedAgain() {
    LowerCaseNameHeaders h = headers(true);
    h.add("x-upstream-case", "u");
    h.addAsIs("X-Upstream-Case", "u");
    assertFalse(h.lowerCaseNames(), "the lower-case fast path no longer applies");
    assertTrue(names(h).contains("X-Upstream-Case"));
  }

  @Test
  void invalidNamesAreStillRejectedAndConstantsAccepted() {
    LowerCaseNameHeaders h = headers(true);
    assertThrows(IllegalArgumentException.class, () -> h.add("bad name", "v"));
    assertThrows(IllegalArgumentException.class, () -> h.add(AsciiString.of("x(y)"), "v"));
    h.add(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    assertTrue(HeaderNames.isWellKnownConstant(HttpHeaderNames.CONTENT_TYPE));
    assertFalse(HeaderNames.isWellKnownConstant(AsciiString.of("content-type")), "only the constant instances");
    assertFalse(HeaderNames.isWellKnownConstant("content-type"));
  }
}
