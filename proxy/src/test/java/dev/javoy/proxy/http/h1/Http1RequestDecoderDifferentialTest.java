package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Http1RequestDecoder} decodes valid requests exactly as Netty's {@link HttpRequestDecoder} (the decoder it
 * replaced): random pipelined requests (methods, targets, header names and values, fixed-length and chunked
 * bodies with extensions and trailers) split into random reads; the same requests, headers (names in lower case),
 * bodies and trailers come out of both.
 */
class Http1RequestDecoderDifferentialTest {
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"};
  private static final String[] NAMES = {"Host", "User-Agent", "accept", "X-Custom-Header", "x-b3-traceid",
      "Cookie", "content-type", "X_Under", "x.dot", "ETag", "If-None-Match"};
  private static final String TCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

  private static String token(Random r, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0, n = 1 + r.nextInt(max); i < n; i++) {
      b.append(TCHARS.charAt(r.nextInt(TCHARS.length())));
    }
    return b.toString();
  }

  private static String value(Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0, n = r.nextInt(30); i < n; i++) {
      char c = (char) (0x21 + r.nextInt(0x7e - 0x21 + 1));
      b.append(c);
      if (r.nextInt(8) == 0 && i < n - 1) {
        b.append(r.nextBoolean() ? ' ' : '\t');
      }
    }
    return b.toString();
  }

  private static String request(Random r, StringBuilder expectBody) {
    StringBuilder b = new StringBuilder();
    String method = METHODS[r.nextInt(METHODS.length)];
    b.append(method).append(' ').append('/').append(token(r, 20)).append(r.nextBoolean() ? "?q=" + token(r, 5) : "")
        .append(" HTTP/1.1\r\n");
    for (int i = 0, n = r.nextInt(12); i < n; i++) {
      String name = r.nextBoolean() ? NAMES[r.nextInt(NAMES.length)] : token(r, 15);
      if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
        continue;
      }
      b.append(name).append(':').append(r.nextBoolean() ? " " : "").append(value(r)).append(r.nextInt(4) == 0 ? " " : "")
          .append("\r\n");
    }
    int bodyKind = r.nextInt(3);
    String body = bodyKind == 0 ? "" : token(r, 200);
    expectBody.append(body);
    if (bodyKind == 1) {
      b.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
    } else if (bodyKind == 2) {
      b.append("Transfer-Encoding: chunked\r\n\r\n");
      int pos = 0;
      while (pos < body.length()) {
        int n = Math.min(body.length() - pos, 1 + r.nextInt(50));
        b.append(Integer.toHexString(n)).append(r.nextInt(4) == 0 ? ";ext=" + token(r, 4) : "").append("\r\n")
            .append(body, pos, pos + n).append("\r\n");
        pos += n;
      }
      b.append("0\r\n");
      if (r.nextBoolean()) {
        b.append("X-Trailer-").append(token(r, 5)).append(": ").append(value(r).trim()).append("\r\n");
      }
      b.append("\r\n");
    } else {
      b.append("\r\n");
    }
    return b.toString();
  }

  /** Each request as text: line, headers (lower-case names), body, trailers. */
  private static List<String> decode(EmbeddedChannel ch, byte[] bytes, Random r) {
    int pos = 0;
    while (pos < bytes.length) {
      int n = Math.min(bytes.length - pos, 1 + r.nextInt(64));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, pos, n));
      pos += n;
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    Object o;
    while ((o = ch.readInbound()) != null) {
      HttpObject h = (HttpObject) o;
      assertTrue(h.decoderResult().isSuccess(), () -> "failed: " + h.decoderResult());
      if (o instanceof HttpRequest req) {
        cur = new StringBuilder(req.method() + " " + req.uri() + " " + req.protocolVersion() + "\n");
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = req.headers().iteratorCharSequence(); it.hasNext(); ) {
          Map.Entry<CharSequence, CharSequence> e = it.next();
          cur.append(e.getKey().toString().toLowerCase()).append(": ").append(e.getValue()).append('\n');
        }
        cur.append("body: ");
      }
      if (o instanceof HttpContent c) {
        cur.append(c.content().toString(StandardCharsets.ISO_8859_1));
        if (o instanceof LastHttpContent l) {
          cur.append("\ntrailers: ");
          for (Map.Entry<String, String> e : l.trailingHeaders()) {
            cur.append(e.getKey().toLowerCase()).append('=').append(e.getValue());
          }
          out.add(cur.toString());
        }
      }
      ReferenceCountUtil.release(o);
    }
    return out;
  }

  @Test
  void sameRequestsAsNettysDecoder() {
    for (long seed = 0; seed < 400; seed++) {
      Random r = new Random(seed);
      StringBuilder all = new StringBuilder();
      StringBuilder bodies = new StringBuilder();
      int count = 1 + r.nextInt(3);
      for (int i = 0; i < count; i++) {
        all.append(request(r, bodies));
      }
      byte[] bytes = all.toString().getBytes(StandardCharsets.ISO_8859_1);
      Http1ResponseEncoder methods = new Http1ResponseEncoder();
      List<String> mine = decode(new EmbeddedChannel(new Http1RequestDecoder(65536, true, methods)), bytes,
          new Random(seed));
      List<String> netty = decode(new EmbeddedChannel(new HttpRequestDecoder()), bytes, new Random(seed + 1));
      assertEquals(netty, mine, "seed " + seed + ":\n" + all);
      assertEquals(count, mine.size(), "seed " + seed);
    }
  }
}
