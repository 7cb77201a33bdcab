package dev.javoy.proxy.http.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class UpstreamResponseHeadersTest {
  private static HttpResponse response(int code, String... namesAndValues) {
    FlatHttpHeaders h = new FlatHttpHeaders(false, true, 8);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), h);
  }

  private static DefaultHttpRequest request(HttpMethod m) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, m, "/");
  }

  @Test
  void fixedLengthResponseKeepsItsLengthAndGetsTheServiceTime() {
    HttpResponse r = response(200, "server", "nginx", "content-length", "3");
    UpstreamResponseHeaders.prepare(r, request(HttpMethod.GET), 7);
    assertEquals("3", r.headers().get("content-length"));
    assertNull(r.headers().get("transfer-encoding"));
    assertEquals("7", r.headers().get("x-envoy-upstream-service-time"));
  }

  @Test
  void closeDelimitedBodyGoesChunkedButNotForHeadOr204() {
    HttpResponse r = response(200, "server", "nginx", "Connection", "close");
    UpstreamResponseHeaders.prepare(r, request(HttpMethod.GET), -1);
    assertEquals("chunked", r.headers().get("transfer-encoding"));
    assertNull(r.headers().get("connection"));
    assertNull(r.headers().get("x-envoy-upstream-service-time"));

    HttpResponse head = response(200, "server", "nginx");
    UpstreamResponseHeaders.prepare(head, request(HttpMethod.HEAD), -1);
    assertFalse(head.headers().contains("transfer-encoding"));
    HttpResponse noContent = response(204);
    UpstreamResponseHeaders.prepare(noContent, request(HttpMethod.valueOf("HEAD")), -1);
    assertFalse(noContent.headers().contains("transfer-encoding"));
  }

  @Test
  void contentLengthNamedByConnectionIsRemovedAndTheBodyGoesChunked() {
    HttpResponse r = response(200, "Content-Length", "3", "connection", "content-length, keep-alive", "keep-alive", "5");
    UpstreamResponseHeaders.prepare(r, request(HttpMethod.GET), -1);
    assertNull(r.headers().get("content-length"));
    assertNull(r.headers().get("keep-alive"));
    assertEquals("chunked", r.headers().get("transfer-encoding"));
  }

  /** The usual upstream keep-alive answer: every Connection header goes, the rest stays in order. */
  @Test
  void connectionKeepAliveGoesWithItsDuplicatesAndTheLengthStays() {
    HttpResponse r = response(200, "Server", "nginx", "Connection", "Keep-Alive", "content-length", "3",
        "x-a", "1", "connection", "x-a");
    UpstreamResponseHeaders.prepare(r, request(HttpMethod.GET), 2);
    assertEquals(java.util.List.of("Server=nginx", "content-length=3", "x-a=1", "x-envoy-upstream-service-time=2"),
        r.headers().entries().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    // a keep-alive header beside it takes the general path: removed as well
    HttpResponse k = response(200, "connection", "keep-alive", "keep-alive", "timeout=5", "content-length", "0");
    UpstreamResponseHeaders.prepare(k, request(HttpMethod.GET), -1);
    assertEquals(java.util.List.of("content-length=0"),
        k.headers().entries().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
