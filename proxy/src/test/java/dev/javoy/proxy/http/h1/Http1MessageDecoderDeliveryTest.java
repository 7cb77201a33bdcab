package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decoders' own cumulation and their direct hand-over to the connection ({@link Http1MessageDecoder.MessageReceiver}),
 * in place of {@code ByteToMessageDecoder}: heads split across reads, several requests in one read, bytes left to the
 * handler after the decoder when it is removed (an upgrade) while a read's messages are handed on, the end of a body
 * read until the close at close and at half-close, and every buffer released (pooled buffers, counted).
 */
class Http1MessageDecoderDeliveryTest {
  private final List<ByteBuf> sent = new ArrayList<>();

  /** The connection: takes the decoder's messages directly; whatever reaches it through the pipeline is noted too. */
  private static final class Receiver extends ChannelInboundHandlerAdapter implements Http1MessageDecoder.MessageReceiver {
    final List<Object> direct = new ArrayList<>();
    final List<Object> piped = new ArrayList<>();
    Consumer<Object> onMessage = m -> {};

    @Override
    public void messageReceived(Object msg) {
      direct.add(msg);
      onMessage.accept(msg);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      piped.add(msg);
    }

    void releaseAll() {
      direct.forEach(ReferenceCountUtil::release);
      piped.forEach(ReferenceCountUtil::release);
    }
  }

  private ByteBuf bytes(String s) {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(s.length() + 16);
    b.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    sent.add(b);
    return b;
  }

  @AfterEach
  void everyBufferReleased() {
    for (ByteBuf b : sent) {
      assertEquals(0, b.refCnt(), "a received buffer was not released");
    }
  }

  private static EmbeddedChannel server(Receiver r) {
    Http1RequestDecoder d = new Http1RequestDecoder(8192, true, m -> {});
    d.deliverTo(r);
    return new EmbeddedChannel(d, r);
  }

  @Test
  void headSplitAcrossReadsAndPipelinedRequestsInOneRead() {
    Receiver r = new Receiver();
    EmbeddedChannel ch = server(r);
    ch.writeInbound(bytes("GET /a HTTP/1.1\r\nHo"));
    assertTrue(r.direct.isEmpty());
    ch.writeInbound(bytes("st: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nab"));
    ch.writeInbound(bytes("cGET /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\nGET /e"));
    List<String> seen = new ArrayList<>();
    for (Object o : r.direct) {
      seen.add(o instanceof HttpRequest q ? q.method() + " " + q.uri()
          : (o instanceof LastHttpContent ? "last:" : "data:") + ((HttpContent) o).content().toString(StandardCharsets.ISO_8859_1));
    }
    assertEquals(List.of("GET /a", "last:", "POST /b", "data:ab", "last:c", "GET /c", "last:", "GET /d", "last:"), seen);
    assertTrue(r.piped.isEmpty(), "nothing goes through the pipeline");
    r.releaseAll();
    ch.finishAndReleaseAll(); // the partial "GET /e" is released at the close
  }

  @Test
  void removedWhileHandingOnPassesTheRestAndTheLeftoverBytesDownThePipeline() {
    Receiver r = new Receiver();
    EmbeddedChannel ch = server(r);
    r.onMessage = m -> {
      if (m instanceof HttpRequest) {
        ch.pipeline().remove(Http1RequestDecoder.class); // the upgrade: a tunnel takes the connection's bytes
      }
    };
    ch.writeInbound(bytes("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\nGET /n"));
    assertEquals(1, r.direct.size());
    assertInstanceOf(HttpRequest.class, r.direct.get(0));
    // the request's end (decoded in the same read) then the bytes the decoder held, in order, through the pipeline
    assertEquals(2, r.piped.size());
    assertInstanceOf(LastHttpContent.class, r.piped.get(0));
    assertEquals("GET /n", ((ByteBuf) r.piped.get(1)).toString(StandardCharsets.ISO_8859_1));
    ch.writeInbound(bytes("raw"));
    assertEquals("raw", ((ByteBuf) r.piped.get(2)).toString(StandardCharsets.ISO_8859_1));
    r.releaseAll();
    ch.finishAndReleaseAll();
  }

  @Test
  void upstreamSwitchHandsTheBytesAfterA101ToTheTunnel() {
    Receiver r = new Receiver();
    Http1ResponseDecoder d = new Http1ResponseDecoder(8192, true);
    d.deliverTo(r);
    EmbeddedChannel ch = new EmbeddedChannel(d, r);
    d.requestSent(HttpMethod.GET);
    r.onMessage = m -> {
      if (m instanceof HttpResponse) {
        ch.pipeline().remove(d);
      }
    };
    ch.writeInbound(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframe"));
    assertEquals(1, r.direct.size());
    assertEquals(101, ((HttpResponse) r.direct.get(0)).status().code());
    StringBuilder raw = new StringBuilder();
    for (Object o : r.piped) {
      if (o instanceof ByteBuf b) {
        raw.append(b.toString(StandardCharsets.ISO_8859_1));
      } else {
        assertInstanceOf(LastHttpContent.class, o);
      }
    }
    assertEquals("frame", raw.toString());
    r.releaseAll();
    ch.finishAndReleaseAll();
  }

  @Test
  void bodyUntilCloseEndsAtCloseAndAtHalfClose() {
    for (boolean halfClose : new boolean[] {false, true}) {
      Receiver r = new Receiver();
      Http1ResponseDecoder d = new Http1ResponseDecoder(8192, true);
      d.deliverTo(r);
      EmbeddedChannel ch = new EmbeddedChannel(d, r);
      d.requestSent(HttpMethod.GET);
      ch.writeInbound(bytes("HTTP/1.1 200 OK\r\n\r\nsome"));
      ch.writeInbound(bytes(" body"));
      assertEquals(3, r.direct.size());
      if (halfClose) {
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      } else {
        ch.close();
      }
      assertEquals(4, r.direct.size(), "the close ends the body");
      assertInstanceOf(LastHttpContent.class, r.direct.get(3));
      assertTrue(r.piped.isEmpty());
      r.releaseAll();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void withoutReceiverMessagesGoDownThePipeline() {
    Receiver r = new Receiver();
    EmbeddedChannel ch = new EmbeddedChannel(new Http1RequestDecoder(8192, true, m -> {}), r);
    ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertTrue(r.direct.isEmpty());
    assertEquals(2, r.piped.size());
    r.releaseAll();
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeadOverTheLimitIsOneFailedRequestAndTheRestIsDropped() {
    Receiver r = new Receiver();
    EmbeddedChannel ch = server(r);
    ch.writeInbound(bytes("GET / HTTP/1.1\r\nX: " + "a".repeat(9000)));
    ch.writeInbound(bytes("more\r\n\r\n"));
    assertEquals(1, r.direct.size());
    assertTrue(((HttpRequest) r.direct.get(0)).decoderResult().isFailure());
    r.releaseAll();
    ch.finishAndReleaseAll();
  }
}
