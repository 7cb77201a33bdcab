package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Repeated x-forwarded-for headers are one comma-joined list, as Envoy's header map holds them. */
class ForwardedForHeaderTest {
  private static HttpHeaders[] maps() {
    return new HttpHeaders[] {new FlatHttpHeaders(), new DefaultHttpHeaders()};
  }

  @Test
  void absentAndSingle() {
    for (HttpHeaders h : maps()) {
      h.add("host", "a");
      assertNull(ForwardedForHeader.coalesce(h));
      h.add("x-forwarded-for", "192.0.2.1, 192.0.2.2");
      h.add("accept", "*/*");
      assertEquals("192.0.2.1, 192.0.2.2", ForwardedForHeader.coalesce(h), "one header: as it came");
      assertEquals(List.of("192.0.2.1, 192.0.2.2"), h.getAll("x-forwarded-for"));
    }
  }

  @Test
  void repeatedHeadersBecomeOneJoinedHeader() {
    for (HttpHeaders h : maps()) {
      h.add("x-forwarded-for", "192.0.2.1");
      h.add("host", "a");
      h.add("X-Forwarded-For", "192.0.2.2, 192.0.2.3");
      h.add("x-forwarded-for", "");
      h.add("x-forwarded-for", "192.0.2.4");
      assertEquals("192.0.2.1,192.0.2.2, 192.0.2.3,192.0.2.4", ForwardedForHeader.coalesce(h),
          "Envoy's appendToHeader: ',' between values, an empty value adds nothing");
      assertEquals(List.of("192.0.2.1,192.0.2.2, 192.0.2.3,192.0.2.4"), h.getAll("x-forwarded-for"),
          "forwarded as one header");
      assertEquals("a", h.get("host"));
    }
  }

  @Test
  void trustedHopsCountOverTheWholeList() {
    HttpHeaders h = new FlatHttpHeaders();
    h.add("x-forwarded-for", "198.51.100.7");
    h.add("x-forwarded-for", "203.0.113.1");
    String xff = ForwardedForHeader.coalesce(h);
    assertEquals("198.51.100.7", TrustedClientAddress.fromXff(xff, true, 2).getAddress().getHostAddress(),
        "use_remote_address, 2 trusted hops: the 2nd from the right, in the first header");
    assertEquals("203.0.113.1", TrustedClientAddress.fromXff(xff, false, 0).getAddress().getHostAddress(),
        "the rightmost: the last header's");
    assertEquals("198.51.100.7", TrustedClientAddress.fromXff(xff, false, 1).getAddress().getHostAddress());
  }

  @Test
  void appendedAsAppendXff() {
    assertEquals("192.0.2.9", ForwardedForHeader.appended(null, "192.0.2.9"));
    assertEquals("192.0.2.9", ForwardedForHeader.appended("", "192.0.2.9"));
    assertEquals("192.0.2.1,192.0.2.2,192.0.2.9", ForwardedForHeader.appended("192.0.2.1,192.0.2.2", "192.0.2.9"));
  }
}
