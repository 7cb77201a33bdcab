package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** javoy's downstream HTTP/1.1 codec on an embedded channel: decoding, framing, rejections and encoding. */
class Http1ServerCodecTest {
  private static EmbeddedChannel channel(boolean lowerCase, int max) {
    Http1ResponseEncoder enc = new Http1ResponseEncoder();
    return new EmbeddedChannel(new Http1RequestDecoder(max, lowerCase, enc), enc);
  }

  private static List<Object> feed(EmbeddedChannel ch, String... parts) {
    for (String p : parts) {
      ch.writeInbound(Unpooled.copiedBuffer(p, StandardCharsets.ISO_8859_1));
    }
    List<Object> out = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add(o);
    }
    return out;
  }

  private static String body(List<Object> msgs) {
    StringBuilder b = new StringBuilder();
    for (Object o : msgs) {
      if (o instanceof HttpContent c) {
        b.append(c.content().toString(StandardCharsets.ISO_8859_1));
      }
    }
    msgs.forEach(ReferenceCountUtil::release);
    return b.toString();
  }

  @Test
  void bodylessRequestWithLowerCasedInternedNames() {
    EmbeddedChannel ch = channel(true, 8192);
    List<Object> out = feed(ch, "\r\nGET /a?b=c HTTP/1.1\r\nHost: x\r\nX-Custom-Thing:  v 1 \r\nAccept:\t*/*\r\n\r\n");
    assertEquals(2, out.size());
    Http1Request req = assertInstanceOf(Http1Request.class, out.get(0));
    assertTrue(req.decoderResult().isSuccess());
    assertSame(HttpMethod.GET, req.method());
    assertEquals("/a?b=c", req.uri());
    assertSame(HttpVersion.HTTP_1_1, req.protocolVersion());
    FlatHttpHeaders h = req.headers();
    assertSame(HttpHeaderNames.HOST, h.nameAt(0));
    assertEquals("x-custom-thing", h.nameAt(1).toString());
    assertEquals("v 1", h.get("x-custom-thing"));
    assertEquals("*/*", h.get(HttpHeaderNames.ACCEPT));
    assertSame(LastHttpContent.EMPTY_LAST_CONTENT, out.get(1));
    assertFalse(ch.finish());
  }

  @Test
  void preserveCaseKeepsNames() {
    EmbeddedChannel ch = channel(false, 8192);
    List<Object> out = feed(ch, "GET / HTTP/1.1\r\nHOST: x\r\nhost2: y\r\nX-Mixed: z\r\n\r\n");
    FlatHttpHeaders h = ((Http1Request) out.get(0)).headers();
    assertEquals("HOST", h.nameAt(0).toString());
    assertEquals("X-Mixed", h.nameAt(2).toString());
    assertEquals("x", h.get(HttpHeaderNames.HOST));
    body(out);
  }

  @Test
  void headAndFixedLengthBodyArriveByteByByte() {
    EmbeddedChannel ch = channel(true, 8192);
    String req = "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHost: x\r\n\r\n";
    List<Object> out = new ArrayList<>();
    for (char c : req.toCharArray()) {
      out.addAll(feed(ch, String.valueOf(c)));
    }
    assertInstanceOf(Http1Request.class, out.get(0));
    assertInstanceOf(LastHttpContent.class, out.get(5));
    Http1Request next = (Http1Request) out.get(6);
    assertEquals("/next", next.uri());
    assertEquals("hello", body(out));
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailers() {
    EmbeddedChannel ch = channel(true, 8192);
    List<Object> out = feed(ch, "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "5;ext=1\r\nhello\r\n", "A \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
    LastHttpContent last = (LastHttpContent) out.get(out.size() - 1);
    assertEquals("t", last.trailingHeaders().get("x-trailer"));
    assertEquals("hello0123456789", body(out));
  }

  @Test
  void contentLengthWithChunkedIsFlaggedForTheConnectionManager() {
    EmbeddedChannel ch = channel(true, 8192);
    List<Object> out = feed(ch, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertTrue(((Http1Request) out.get(0)).contentLengthAndChunked);
    body(out);
  }

  private static Throwable rejected(String request, int max) {
    EmbeddedChannel ch = channel(true, max);
    List<Object> out = feed(ch, request);
    Object first = out.stream().filter(o -> o instanceof HttpRequest || o instanceof HttpContent)
        .filter(o -> ((io.netty.handler.codec.http.HttpObject) o).decoderResult().isFailure()).findFirst().orElse(null);
    body(out);
    return first == null ? null : ((io.netty.handler.codec.http.HttpObject) first).decoderResult().cause();
  }

  @Test
  void malformedRequestsAreRejected() {
    String[] bad = {
        "GET /a HTTP/1.1\nHost: x\n\n",
        "GET /a HTTP/1.1\rHost: x\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nX Bad: a\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length : 36\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 36\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 36\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: +36\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000001\r\nhi\r\n0\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nhi\r\n0\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX0\r\n\r\n",
        "G(T /a HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/x.1\r\nHost: x\r\n\r\n",
        "GET /a\r\nHost: x\r\n\r\n",
        "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nX-A: \u0001\r\n\r\n",
        "GET /a HTTP/1.1\r\n: empty\r\n\r\n",
    };
    for (String r : bad) {
      Throwable cause = rejected(r, 8192);
      assertFalse(cause == null, "accepted: " + r);
      assertFalse(cause instanceof TooLongFrameException, r);
    }
  }

  @Test
  void oversizedHeadsAreTooLongFrames() {
    assertInstanceOf(TooLongFrameException.class, rejected("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n", 8192));
    assertInstanceOf(TooLongFrameException.class,
        rejected("GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", 8192));
    assertInstanceOf(TooLongFrameException.class, rejected("GET /" + "a".repeat(9000), 8192)); // before it ends
    assertNull(rejected("GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(8000) + "\r\n\r\n", 8192));
  }

  @Test
  void otherMethodsAndVersionsAndTargetForms() {
    EmbeddedChannel ch = channel(true, 8192);
    List<Object> out = feed(ch, "PROPFIND http://h/x HTTP/1.0\r\nHost: h\r\n\r\n",
        "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n");
    Http1Request a = (Http1Request) out.get(0);
    assertEquals("PROPFIND", a.method().name());
    assertSame(HttpVersion.HTTP_1_0, a.protocolVersion());
    assertEquals("http://h/x", a.uri());
    Http1Request c = (Http1Request) out.get(2);
    assertSame(HttpMethod.CONNECT, c.method());
    assertEquals("h:443", c.uri());
    body(out);
  }

  private static String written(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    ByteBuf buf;
    while ((buf = ch.readOutbound()) != null) {
      b.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return b.toString();
  }

  @Test
  void responseHeadAndSmallBodyLeaveAsOneBuffer() {
    EmbeddedChannel ch = channel(true, 8192);
    body(feed(ch, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, new FlatHttpHeaders());
    r.headers().add("Content-Length", "2").add("X-A", "b");
    ch.write(r, ch.voidPromise());
    ch.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII)));
    assertEquals(1, ch.outboundMessages().size(), "one buffer");
    assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-a: b\r\n\r\nhi", written(ch));
    assertFalse(ch.finish());
  }

  @Test
  void chunkedResponseWithTrailersAndForwardedReason() {
    EmbeddedChannel ch = channel(true, 8192);
    body(feed(ch, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Fine"));
    r.headers().add("Transfer-Encoding", "chunked");
    ch.write(r);
    ch.write(new DefaultHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
    ch.write(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[3000])));
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    last.trailingHeaders().add("x-t", "1");
    ch.writeAndFlush(last);
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 200 Fine\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nbb8\r\n"), out);
    assertTrue(out.endsWith("\r\n0\r\nx-t: 1\r\n\r\n"), out);
  }

  @Test
  void headAnd204And1xxResponsesHaveNoBody() {
    EmbeddedChannel ch = channel(true, 8192);
    body(feed(ch, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ch.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    assertEquals("HTTP/1.1 100 Continue\r\n\r\n", written(ch));
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().add("Content-Length", "5");
    ch.write(head);
    ch.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
    assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", written(ch));
    HttpResponse nc = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    nc.headers().add("Content-Length", "0").add("x", "y");
    ch.writeAndFlush(nc);
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    assertEquals("HTTP/1.1 204 No Content\r\nx: y\r\n\r\n", written(ch));
    assertFalse(ch.finish());
  }

  @Test
  void aHeldHeadLeavesOnFlushOrCloseAndALargeBodyIsNotCopied() {
    EmbeddedChannel ch = channel(true, 8192);
    body(feed(ch, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, new FlatHttpHeaders());
    r.headers().add("content-length", "4000");
    ch.write(r, ch.voidPromise());
    assertEquals(0, ch.outboundMessages().size(), "held for the body");
    ch.flush();
    assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 4000\r\n\r\n", written(ch));
    ByteBuf big = Unpooled.wrappedBuffer(new byte[4000]);
    ch.writeAndFlush(new DefaultLastHttpContent(big));
    assertEquals(1, ch.outboundMessages().size());
    assertSame(big, ch.readOutbound(), "written as is");
    big.release();
    HttpResponse second = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
    second.headers().add("content-length", "0");
    ch.write(second, ch.voidPromise());
    ch.close(); // the held head is handed on before the close, which drops unflushed writes as Netty always does
    assertEquals("", written(ch));
  }
}
