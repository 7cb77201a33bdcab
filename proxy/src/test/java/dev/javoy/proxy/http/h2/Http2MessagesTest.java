package dev.javoy.proxy.http.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

/** Pseudo-headers to and from the connection manager's HTTP/1.1-shaped message model. */
class Http2MessagesTest {
  @Test
  void requestFromHeadersFrame() throws Exception {
    Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").path("/svc/Method?x=1")
        .authority("api.example.com:8080").add("content-type", "application/grpc").add("te", "trailers")
        .add("cookie", "a=1").add("cookie", "b=2");
    HttpRequest req = Http2Messages.toRequest(h, false);
    assertEquals(HttpMethod.POST, req.method());
    assertEquals("/svc/Method?x=1", req.uri());
    HttpHeaders out = req.headers();
    assertEquals("api.example.com:8080", out.get("host"));
    assertEquals("a=1; b=2", out.get("cookie"));
    assertEquals("chunked", out.get("transfer-encoding"), "a body of unknown length goes up chunked");
    assertFalse(out.contains(":path"));
  }

  @Test
  void bodylessRequestIsNotChunked() throws Exception {
    Http2Headers h = new DefaultHttp2Headers().method("GET").scheme("http").path("/").authority("a");
    assertNull(Http2Messages.toRequest(h, true).headers().get("transfer-encoding"));
  }

  @Test
  void invalidRequests() {
    assertThrows(Http2Messages.InvalidMessageException.class, () ->
        Http2Messages.toRequest(new DefaultHttp2Headers().scheme("http").path("/"), true));
    assertThrows(Http2Messages.InvalidMessageException.class, () ->
        Http2Messages.toRequest(new DefaultHttp2Headers().method("GET").scheme("http"), true));
    assertThrows(Http2Messages.InvalidMessageException.class, () ->
        Http2Messages.toRequest(new DefaultHttp2Headers().method("CONNECT"), false));
    // values are checked again: CR/LF must not reach an HTTP/1.1 upstream
    assertThrows(Http2Messages.InvalidMessageException.class, () -> Http2Messages.toRequest(
        new DefaultHttp2Headers(false).method("GET").scheme("http").path("/").add("x-a", "v\r\nx-b: smuggled"), true));
  }

  @Test
  void plainConnectBecomesAConnectRequest() throws Exception {
    HttpRequest req = Http2Messages.toRequest(new DefaultHttp2Headers().method("CONNECT").authority("a:443"), false);
    assertEquals("CONNECT", req.method().name());
    assertEquals("a:443", req.uri());
    assertEquals("a:443", req.headers().get("host"));
    assertNull(req.headers().get("transfer-encoding"));
  }

  @Test
  void extendedConnectBecomesAnHttp1UpgradeOnlyWithAllowConnect() throws Exception {
    Http2Headers h = new DefaultHttp2Headers().method("CONNECT").scheme("http").path("/chat").authority("a");
    h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
    h.set("sec-websocket-version", "13");
    assertThrows(Http2Messages.InvalidMessageException.class, () -> Http2Messages.toRequest(h, false));
    HttpRequest req = Http2Messages.toRequest(h, false, true);
    assertEquals("GET", req.method().name());
    assertEquals("/chat", req.uri());
    assertEquals("websocket", req.headers().get("upgrade"));
    assertEquals("upgrade", req.headers().get("connection"));
    assertEquals("a", req.headers().get("host"));
    assertEquals("13", req.headers().get("sec-websocket-version"));
    assertNull(req.headers().get("transfer-encoding"));
    assertEquals("CONNECT", Http2Messages.toRequest(new DefaultHttp2Headers().method("CONNECT").authority("a:443"),
        false, true).method().name(), "plain CONNECT stays CONNECT");
  }

  @Test
  void headerNamesLowercaseCommonOnesWithoutAllocating() {
    org.junit.jupiter.api.Assertions.assertSame(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH,
        Http2Messages.lowerCaseName("Content-Length"));
    io.netty.util.AsciiString lower = io.netty.util.AsciiString.of("x-already-lower");
    org.junit.jupiter.api.Assertions.assertSame(lower, Http2Messages.lowerCaseName(lower));
    assertEquals("x-foo-bar", Http2Messages.lowerCaseName("X-Foo-Bar").toString());
  }

  @Test
  void uncommonMethodsKeepTheirName() throws Exception {
    io.netty.handler.codec.http2.Http2Headers h = new io.netty.handler.codec.http2.DefaultHttp2Headers()
        .method("PURGE").path("/x").scheme("http").authority("a");
    assertEquals("PURGE", Http2Messages.toRequest(h, true).method().name());
    h.method("GET");
    org.junit.jupiter.api.Assertions.assertSame(io.netty.handler.codec.http.HttpMethod.GET,
        Http2Messages.toRequest(h, true).method());
  }

  @Test
  void responseHeadersDropConnectionSpecificOnesAndLowercase() {
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    resp.headers().add("Content-Type", "text/plain").add("Connection", "keep-alive").add("Keep-Alive", "5")
        .add("Transfer-Encoding", "chunked").add("X-Custom", "v");
    Http2Headers h = Http2Messages.fromResponse(resp);
    assertEquals("200", h.status().toString());
    assertEquals("text/plain", h.get("content-type").toString());
    assertEquals("v", h.get("x-custom").toString());
    assertNull(h.get("connection"));
    assertNull(h.get("keep-alive"));
    assertNull(h.get("transfer-encoding"));
  }

  @Test
  void upstreamRequestMapsHostToAuthorityAndKeepsTeTrailers() {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/pkg.Svc/Call");
    req.headers().add("Host", "backend:50051").add("TE", "trailers").add("Content-Type", "application/grpc");
    Http2Headers h = Http2Messages.fromRequest(req, "http");
    assertEquals("POST", h.method().toString());
    assertEquals("http", h.scheme().toString());
    assertEquals("backend:50051", h.authority().toString());
    assertEquals("/pkg.Svc/Call", h.path().toString());
    assertEquals("trailers", h.get("te").toString());
    assertNull(h.get("host"));
  }

  @Test
  void upstreamResponseAndTrailers() throws Exception {
    HttpResponse resp = Http2Messages.toResponse(new DefaultHttp2Headers().status("503").add("grpc-status", "14"));
    assertEquals(503, resp.status().code());
    assertEquals("14", resp.headers().get("grpc-status"));
    assertFalse(resp.headers().contains(":status"));
    LastHttpContent t = Http2Messages.toTrailers(new DefaultHttp2Headers().add("grpc-status", "0"));
    assertEquals("0", t.trailingHeaders().get("grpc-status"));
    assertTrue(Http2Messages.fromTrailers(t.trailingHeaders()).contains("grpc-status"));
    assertThrows(Http2Messages.InvalidMessageException.class,
        () -> Http2Messages.toResponse(new DefaultHttp2Headers().add("x", "y")));
  }
}
