package dev.javoy.proxy.http.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {
  private static FlatHttpHeaders flat(String... namesAndValues) {
    FlatHttpHeaders h = new FlatHttpHeaders(false, true, 8);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return h;
  }

  @Test
  void findsEachHopByHopNameWhateverItsCase() {
    assertEquals(0, HopByHopHeaders.scan(flat("host", "a", "user-agent", "curl", "accept", "*/*", "ta", "x")));
    String[] names = {"Connection", "keep-alive", "PROXY-CONNECTION", "Upgrade", "TE"};
    int[] bits = {HopByHopHeaders.CONNECTION, HopByHopHeaders.KEEP_ALIVE, HopByHopHeaders.PROXY_CONNECTION,
        HopByHopHeaders.UPGRADE, HopByHopHeaders.TE};
    for (int i = 0; i < names.length; i++) {
      assertEquals(bits[i], HopByHopHeaders.scan(flat("host", "a", names[i], "v")), names[i]);
    }
    assertEquals(0, HopByHopHeaders.bitOf("keep-alivf"));
    assertEquals(0, HopByHopHeaders.bitOf("transfer-encoding"));
  }

  @Test
  void removeHopByHopGivesTheSameResultOnFlatAndDefaultHeaders() {
    String[] in = {"host", "a", "Connection", "x-foo, close", "x-foo", "1", "keep-alive", "5", "te", "trailers, gzip",
        "upgrade", "h2c", "proxy-connection", "k", "x-bar", "2"};
    FlatHttpHeaders f = flat(in);
    HttpHeaders d = new DefaultHttpHeaders();
    for (int i = 0; i < in.length; i += 2) {
      d.add(in[i], in[i + 1]);
    }
    UpstreamRequestHeaders.removeHopByHop(f);
    UpstreamRequestHeaders.removeHopByHop(d);
    assertEquals(d.entries().toString(), f.entries().toString());
    assertNull(f.get("connection"));
    assertNull(f.get("x-foo"));
    assertEquals("trailers", f.get("te"));
    assertEquals("2", f.get("x-bar"));

    FlatHttpHeaders none = flat("host", "a", "user-agent", "curl");
    UpstreamRequestHeaders.removeHopByHop(none);
    assertEquals(2, none.size());
  }

  @Test
  void scanReportsHopByHopAndContentLength() {
    assertEquals(0, HopByHopHeaders.scan(flat("server", "nginx", "date", "x")));
    assertEquals(HopByHopHeaders.CONTENT_LENGTH, HopByHopHeaders.scan(flat("server", "nginx", "Content-Length", "3")));
    assertEquals(HopByHopHeaders.CONTENT_LENGTH | HopByHopHeaders.CONNECTION,
        HopByHopHeaders.scan(flat("content-length", "3", "Connection", "keep-alive")));
  }

  @Test
  void connectionTokensNamingAbsentOrPresentHeaders() {
    String[] in = {"Connection", "keep-alive, x-a, upgrade, te", "x-a", "1", "keep-alive", "t=5", "TE", "trailers",
        "x-b", "2"};
    FlatHttpHeaders f = flat(in);
    HttpHeaders d = new DefaultHttpHeaders();
    for (int i = 0; i < in.length; i += 2) {
      d.add(in[i], in[i + 1]);
    }
    UpstreamRequestHeaders.removeHopByHop(f);
    UpstreamRequestHeaders.removeHopByHop(d);
    assertEquals(d.entries().toString(), f.entries().toString());
    assertEquals(1, f.size());
    assertEquals("2", f.get("x-b"));

    FlatHttpHeaders onlyConnection = flat("server", "nginx", "Connection", "keep-alive", "content-length", "3");
    UpstreamRequestHeaders.removeHopByHop(onlyConnection);
    assertEquals("[server=nginx, content-length=3]", onlyConnection.entries().toString());
  }
}
