package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Http1ResponseDecoder} decodes valid responses exactly as Netty's {@link HttpResponseDecoder} (the decoder
 * of the codec it replaced): random sequences of responses (statuses and reasons, header names and values,
 * fixed-length and chunked bodies with extensions and trailers) split into random reads.
 */
class Http1ResponseDecoderDifferentialTest {
  private static String response(Random r, StringBuilder expectBody) {
    StringBuilder b = new StringBuilder();
    int[] codes = {200, 201, 202, 203, 206, 301, 302, 400, 403, 404, 500, 503};
    int code = codes[r.nextInt(codes.length)];
    b.append("HTTP/1.1 ").append(code).append(' ').append(r.nextBoolean() ? "Some Reason" : "OK").append("\r\n");
    // a response without framing would run to the close
    DecoderDifferential.headersAndBody(b, r, expectBody, "Content-Length: 0\r\n\r\n");
    return b.toString();
  }

  @Test
  void sameResponsesAsNettysDecoder() {
    for (long seed = 0; seed < 400; seed++) {
      Random r = new Random(seed);
      StringBuilder all = new StringBuilder();
      StringBuilder bodies = new StringBuilder();
      int count = 1 + r.nextInt(3);
      for (int i = 0; i < count; i++) {
        all.append(response(r, bodies));
      }
      byte[] bytes = all.toString().getBytes(StandardCharsets.ISO_8859_1);
      Http1ResponseDecoder dec = new Http1ResponseDecoder(65536, true);
      for (int i = 0; i < count; i++) {
        dec.requestSent(HttpMethod.GET);
      }
      List<String> mine = DecoderDifferential.decode(new EmbeddedChannel(dec), bytes, new Random(seed));
      List<String> netty = DecoderDifferential.decode(new EmbeddedChannel(new HttpResponseDecoder()), bytes,
          new Random(seed + 1));
      assertEquals(netty, mine, "seed " + seed + ":\n" + all);
      assertEquals(count, mine.size(), "seed " + seed);
    }
  }
}
