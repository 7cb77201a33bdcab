package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the request and response decoder differential tests share: random header lines and bodies (fixed-length or
 * chunked with extensions and trailers) after a start line, and the decoded messages of a channel fed in random
 * reads, as text to compare between javoy's decoder and Netty's.
 */
final class DecoderDifferential {
  private static final String[] NAMES = {"Host", "User-Agent", "accept", "X-Custom-Header", "x-b3-traceid",
      "Cookie", "content-type", "X_Under", "x.dot", "ETag", "If-None-Match"};
  private static final String TCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

  private DecoderDifferential() {}

  static String token(Random r, int max) {
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

  /**
   * Appends random header lines and a body to {@code b} (after its start line), the body's bytes to
   * {@code expectBody}; a message without a body ends with {@code endWithoutBody} (its framing).
   */
  static void headersAndBody(StringBuilder b, Random r, StringBuilder expectBody, String endWithoutBody) {
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
      b.append(endWithoutBody);
    }
  }

  /** Each decoded message as text: start line, headers (lower-case names), body, trailers. */
  static List<String> decode(EmbeddedChannel ch, byte[] bytes, Random r) {
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
      if (o instanceof HttpMessage m) {
        String start = m instanceof HttpRequest req ? req.method() + " " + req.uri()
            : ((HttpResponse) m).status().toString();
        cur = new StringBuilder(start + " " + m.protocolVersion() + "\n");
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = m.headers().iteratorCharSequence(); it.hasNext(); ) {
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
}
