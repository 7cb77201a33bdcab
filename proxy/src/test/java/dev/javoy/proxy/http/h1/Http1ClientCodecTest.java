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
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
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

/** javoy's upstream HTTP/1.1 codec on an embedded channel: request encoding and response framing. */
class Http1ClientCodecTest {
  private static EmbeddedChannel channel(int max) {
    Http1ResponseDecoder dec = new Http1ResponseDecoder(max, true);
    return new EmbeddedChannel(dec, new Http1RequestEncoder(dec));
  }

  private static String send(EmbeddedChannel ch, HttpMethod method, String body) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/p?q", new FlatHttpHeaders());
    req.headers().add("host", "h");
    if (body != null) {
      req.headers().add("content-length", body.length());
    }
    ch.write(req, ch.voidPromise());
    ch.writeAndFlush(body == null ? LastHttpContent.EMPTY_LAST_CONTENT
        : new DefaultLastHttpContent(Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII)));
    StringBuilder b = new StringBuilder();
    ByteBuf buf;
    while ((buf = ch.readOutbound()) != null) {
      b.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return b.toString();
  }

  private static List<Object> receive(EmbeddedChannel ch, String... parts) {
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
      } else if (o instanceof ByteBuf raw) {
        b.append(raw.toString(StandardCharsets.ISO_8859_1));
      }
    }
    msgs.forEach(ReferenceCountUtil::release);
    return b.toString();
  }

  @Test
  void requestHeadAndSmallBodyInOneBuffer() {
    EmbeddedChannel ch = channel(60 * 1024);
    assertEquals("POST /p?q HTTP/1.1\r\nhost: h\r\ncontent-length: 2\r\n\r\nhi", send(ch, HttpMethod.POST, "hi"));
    assertEquals("GET /p?q HTTP/1.1\r\nhost: h\r\n\r\n", send(ch, HttpMethod.GET, null));
  }

  @Test
  void fixedLengthChunkedAndInformationalResponses() {
    EmbeddedChannel ch = channel(60 * 1024);
    send(ch, HttpMethod.GET, null);
    List<Object> out = receive(ch, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: b\r\n\r\nab",
        "c");
    HttpResponse cont = (HttpResponse) out.get(0);
    assertEquals(100, cont.status().code());
    assertSame(LastHttpContent.EMPTY_LAST_CONTENT, out.get(1));
    HttpResponse ok = (HttpResponse) out.get(2);
    assertSame(HttpResponseStatus.OK, ok.status());
    assertEquals("b", ok.headers().get("x-a"));
    assertInstanceOf(LastHttpContent.class, out.get(out.size() - 1));
    assertEquals("abc", body(out));

    send(ch, HttpMethod.GET, null);
    out = receive(ch, "HTTP/1.1 200 Fine\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n3\r\nabc\r\n0\r\ngrpc-status: 0\r\n\r\n");
    HttpResponse chunked = (HttpResponse) out.get(0);
    assertEquals("Fine", chunked.status().reasonPhrase());
    assertNull(chunked.headers().get("content-length"), "dropped: the chunked coding frames the body");
    LastHttpContent last = (LastHttpContent) out.get(out.size() - 1);
    assertEquals("0", last.trailingHeaders().get("grpc-status"));
    assertEquals("abc", body(out));
  }

  @Test
  void headAnd204And304HaveNoBodyWhateverTheirHeaders() {
    EmbeddedChannel ch = channel(60 * 1024);
    send(ch, HttpMethod.HEAD, null);
    send(ch, HttpMethod.GET, null);
    send(ch, HttpMethod.GET, null);
    List<Object> out = receive(ch, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
    assertEquals(6, out.size(), out.toString());
    for (int i = 1; i < 6; i += 2) {
      assertSame(LastHttpContent.EMPTY_LAST_CONTENT, out.get(i));
    }
    body(out);
  }

  @Test
  void closeDelimitedBodyEndsWithTheConnection() {
    EmbeddedChannel ch = channel(60 * 1024);
    send(ch, HttpMethod.GET, null);
    List<Object> out = receive(ch, "HTTP/1.0 200 OK\r\n\r\nsome", " bytes");
    ch.finish();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add(o);
    }
    assertInstanceOf(LastHttpContent.class, out.get(out.size() - 1));
    assertEquals("some bytes", body(out));
  }

  @Test
  void switchingProtocolsPassesTheRestThrough() {
    EmbeddedChannel ch = channel(60 * 1024);
    send(ch, HttpMethod.GET, null);
    List<Object> out = receive(ch, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");
    assertEquals(101, ((HttpResponse) out.get(0)).status().code());
    assertInstanceOf(ByteBuf.class, out.get(2));
    assertEquals("\u0081\u0002hi", body(out));
  }

  private static Throwable failure(String response, int max) {
    EmbeddedChannel ch = channel(max);
    send(ch, HttpMethod.GET, null);
    List<Object> out = receive(ch, response);
    Throwable t = out.stream().filter(o -> o instanceof HttpObject h && h.decoderResult().isFailure())
        .map(o -> ((HttpObject) o).decoderResult().cause()).findFirst().orElse(null);
    body(out);
    return t;
  }

  @Test
  void malformedResponsesFail() {
    for (String bad : new String[] {
        "HTTP/1.1 20 OK\r\n\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n"}) {
      Throwable t = failure(bad, 60 * 1024);
      assertFalse(t == null, bad);
    }
    assertInstanceOf(TooLongFrameException.class, failure("HTTP/1.1 200 OK\r\nX: " + "a".repeat(5000) + "\r\n\r\n", 4096));
    assertTrue(failure("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 4096) == null, "no reason phrase is fine");
  }

  @Test
  void keepAliveIsTheDecodersAnswerForTheLastHead() {
    String[][] cases = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "true"},
        {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", "false"},
        {"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", "false"},
        {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "false"},
        {"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", "true"},
        {"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", "false"},
        {"HTTP/1.1 304 Not Modified\r\n\r\n", "true"},
    };
    for (boolean lowerCase : new boolean[] {true, false}) {
      for (String[] c : cases) {
        Http1ResponseDecoder dec = new Http1ResponseDecoder(4096, lowerCase);
        EmbeddedChannel ch = new EmbeddedChannel(dec, new Http1RequestEncoder(dec));
        send(ch, HttpMethod.GET, null);
        List<Object> out = receive(ch, c[0]);
        HttpResponse r = (HttpResponse) out.get(0);
        assertEquals(io.netty.handler.codec.http.HttpUtil.isKeepAlive(r), dec.keepAlive(), c[0]);
        assertEquals(Boolean.parseBoolean(c[1]), dec.keepAlive(), c[0]);
        out.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
      }
    }
  }

  @Test
  void standardStatusesAreNettysConstantsAndOthersGetTheirOwnReason() {
    EmbeddedChannel ch = channel(4096);
    send(ch, HttpMethod.GET, null);
    HttpResponse ok = (HttpResponse) receive(ch, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").get(0);
    assertSame(HttpResponseStatus.OK, ok.status());
    assertSame(HttpResponseStatus.OK, StandardStatuses.of(200));
    send(ch, HttpMethod.GET, null);
    HttpResponse odd = (HttpResponse) receive(ch, "HTTP/1.1 299 Fine\r\nContent-Length: 0\r\n\r\n").get(0);
    assertEquals(299, odd.status().code());
    assertEquals("Fine", odd.status().reasonPhrase());
    assertNull(StandardStatuses.of(299));
    assertNull(StandardStatuses.of(99));
    assertNull(StandardStatuses.of(1000));
    ch.finishAndReleaseAll();
  }
}
