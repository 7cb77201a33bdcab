package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
  private static String request(Random r, StringBuilder expectBody) {
    StringBuilder b = new StringBuilder();
    String method = METHODS[r.nextInt(METHODS.length)];
    b.append(method).append(' ').append('/').append(DecoderDifferential.token(r, 20)).append(r.nextBoolean() ? "?q=" + DecoderDifferential.token(r, 5) : "")
        .append(" HTTP/1.1\r\n");
    DecoderDifferential.headersAndBody(b, r, expectBody, "\r\n");
    return b.toString();
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
      List<String> mine = DecoderDifferential.decode(new EmbeddedChannel(new Http1RequestDecoder(65536, true, methods)), bytes,
          new Random(seed));
      List<String> netty = DecoderDifferential.decode(new EmbeddedChannel(new HttpRequestDecoder()), bytes, new Random(seed + 1));
      assertEquals(netty, mine, "seed " + seed + ":\n" + all);
      assertEquals(count, mine.size(), "seed " + seed);
    }
  }
}
