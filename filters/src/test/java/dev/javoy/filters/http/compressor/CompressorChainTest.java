package dev.javoy.filters.http.compressor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javoy.filters.compression.Codecs;
import dev.javoy.filters.compression.FakeStream;
import dev.javoy.filters.compression.FilterHarness;
import dev.javoy.filters.compression.TrackingAllocator;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Istio's chain of three compressor filters (brotli, zstd, gzip: its prometheus listener, exactly as in its
 * bootstrap): the stream's filters decide together, one compresses, the others count themselves overshadowed.
 */
class CompressorChainTest {
  private static final String TYPES = "\"response_direction_config\": {\"common_config\": {\"content_type\":"
      + " [\"text/plain\", \"application/vnd.google.protobuf\", \"application/openmetrics-text\","
      + " \"application/openmetrics-protobuf\"]}}";

  private final FilterHarness harness = new FilterHarness();
  private final TrackingAllocator alloc = new TrackingAllocator(true);

  @AfterEach
  void noLeaks() {
    alloc.assertAllReleased();
  }

  private HttpFilterConfig istio(String name, Codecs codec) throws Exception {
    return harness.httpFilter("{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.compressor.v3."
        + "Compressor\", \"compressor_library\": {\"name\": \"" + name + "\", \"typed_config\": {\"@type\": \""
        + codec.compressorType + "\"}}, " + TYPES + "}");
  }

  @ParameterizedTest
  @CsvSource({"'gzip, deflate, br, zstd', GZIP", "'br, gzip', BROTLI", "'zstd', ZSTD", "'*', BROTLI"})
  void oneFilterOfTheChainCompresses(String accept, Codecs chosen) throws Exception {
    HttpFilterConfig br = istio("stats_brotli", Codecs.BROTLI);
    HttpFilterConfig zstd = istio("stats_zstd", Codecs.ZSTD);
    HttpFilterConfig gzip = istio("stats_gzip", Codecs.GZIP);
    byte[] body = Codecs.text(20_000, 8);
    FakeStream s = new FakeStream(br, zstd, gzip);
    s.request(CompressorFilterTest.get(accept), true);
    HttpResponse resp = CompressorFilterTest.response(200, "text/plain; version=0.0.4", body.length);
    s.response(resp, false);
    assertEquals(chosen.encoding, resp.headers().get("content-encoding"));
    assertEquals("accept-encoding", resp.headers().get("vary"));
    for (int at = 0; at < body.length; at += 3000) {
      int end = Math.min(body.length, at + 3000);
      var buf = alloc.buffer().writeBytes(body, at, end - at);
      s.responseData(end == body.length ? new DefaultLastHttpContent(buf)
          : new io.netty.handler.codec.http.DefaultHttpContent(buf), end == body.length);
    }
    assertArrayEquals(body, chosen.referenceDecompress(FakeStream.drain(s.downstream)));
    s.destroy();
    String[] names = {"stats_brotli.brotli.", "stats_zstd.zstd.", "stats_gzip.gzip."};
    Codecs[] codecs = {Codecs.BROTLI, Codecs.ZSTD, Codecs.GZIP};
    for (int i = 0; i < 3; i++) {
      String p = "http.test.compressor." + names[i];
      boolean mine = codecs[i] == chosen;
      assertEquals(mine ? 1 : 0, harness.counter(p + "response.compressed"), p);
      assertEquals(mine ? 0 : 1, harness.counter(p + "response.not_compressed"), p);
      if (accept.equals("*")) {
        assertEquals(1, harness.counter(p + "header_wildcard"), p);
      } else {
        assertEquals(mine ? 1 : 0, harness.counter(p + "header_compressor_used"), p);
        assertEquals(mine ? 0 : 1, harness.counter(p + "header_compressor_overshadowed"), p);
      }
    }
  }

  @Test
  void chainsOfDifferentStreamsDoNotMix() throws Exception {
    HttpFilterConfig br = istio("stats_brotli", Codecs.BROTLI);
    HttpFilterConfig gzip = istio("stats_gzip", Codecs.GZIP);
    FakeStream a = new FakeStream(br, gzip);
    FakeStream b = new FakeStream(gzip); // created on the same thread while a is alive
    a.request(CompressorFilterTest.get("br, gzip"), true);
    b.request(CompressorFilterTest.get("br, gzip"), true);
    HttpResponse ra = CompressorFilterTest.response(200, "text/plain", 1000);
    HttpResponse rb = CompressorFilterTest.response(200, "text/plain", 1000);
    a.response(ra, false);
    b.response(rb, false);
    assertEquals("br", ra.headers().get("content-encoding"));
    assertEquals("gzip", rb.headers().get("content-encoding"), "b's chain has gzip only");
    a.destroy();
    b.destroy();
  }
}
