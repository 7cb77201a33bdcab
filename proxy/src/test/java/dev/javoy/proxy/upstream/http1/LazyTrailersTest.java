package dev.javoy.proxy.upstream.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upstream decoder's trailers: empty without a map until a trailer arrives, then a real one. */
class LazyTrailersTest {
  private static LastHttpContent decodeLast(String response) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpUpstreamCodecs(100, HeaderKeyFormat.DEFAULT).newCodec());
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.releaseOutbound();
    ch.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII));
    assertInstanceOf(HttpResponse.class, ch.readInbound());
    LastHttpContent last = null;
    for (Object o; (o = ch.readInbound()) != null; ) {
      if (o instanceof LastHttpContent l) {
        last = l;
      } else {
        ((io.netty.util.ReferenceCounted) o).release();
      }
    }
    ch.finishAndReleaseAll();
    return last;
  }

  @Test
  void aFixedLengthResponseHasEmptyTrailers() {
    LastHttpContent last = decodeLast("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    HttpHeaders t = last.trailingHeaders();
    assertTrue(t.isEmpty());
    assertEquals(0, t.size());
    assertNull(t.get("grpc-status"));
    assertEquals(List.of(), t.entries());
    assertTrue(!t.iteratorCharSequence().hasNext());
    last.release();
  }

  @Test
  void chunkedTrailersArrive() {
    LastHttpContent last = decodeLast("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n"
        + "grpc-status: 0\r\nX-Trailer: t\r\n\r\n");
    HttpHeaders t = last.trailingHeaders();
    assertEquals(2, t.size());
    assertEquals("0", t.get("grpc-status"));
    assertEquals("t", t.get("x-trailer"));
    t.remove("grpc-status");
    assertEquals(1, t.size());
    assertEquals("t", t.copy().get("X-Trailer"));
    last.release();
  }

  @Test
  void addedTrailersAreValidated() {
    HttpHeaders t = LazyTrailers.FACTORY.newHeaders();
    t.set("x-a", "1").add("x-a", "2");
    assertEquals(List.of("1", "2"), t.getAll("x-a"));
    assertThrows(IllegalArgumentException.class, () -> t.add("bad name", "v"));
    t.clear();
    assertTrue(t.isEmpty());
  }
}
