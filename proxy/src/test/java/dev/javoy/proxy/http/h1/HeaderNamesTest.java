package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

/** Lower-casing decoded header names without allocating for the well-known ones. */
class HeaderNamesTest {
  @Test
  void wellKnownNamesMapToNettysConstants() {
    assertSame(HttpHeaderNames.CONTENT_TYPE, HeaderNames.lowerCase("Content-Type"));
    assertSame(HttpHeaderNames.CONTENT_LENGTH, HeaderNames.lowerCase("CONTENT-LENGTH"));
    assertSame(HttpHeaderNames.USER_AGENT, HeaderNames.lowerCase("User-Agent"));
    String lower = "x-custom";
    assertSame(lower, HeaderNames.lowerCase(lower));
    assertEquals("x-custom-name", HeaderNames.lowerCase("X-Custom-Name").toString());
  }
}
